package org.cftrec.runtime.oneshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The commands of one {@code bin/cftrec} start, read from the environment the script sets: {@code CFTREC_ARGC}
 * and {@code CFTREC_ARG_1} ... {@code CFTREC_ARG_n}, one variable per argument. Arguments stay data: they are
 * handed to the command as they are and never go through the console's parser, so {@code $(...)}, {@code ${...}},
 * quotes and globs in a file name mean nothing. A lone {@code ;} argument separates commands; a command name
 * without a scope gets {@code cftrec:} in front.
 */
record OneShotCommands(List<Invocation> invocations) {
    static final String COUNT_VARIABLE = "CFTREC_ARGC";
    static final String ARGUMENT_PREFIX = "CFTREC_ARG_";
    static final String SEPARATOR = ";";
    static final String DEFAULT_SCOPE = "cftrec";
    /** A command name: scope:name or name, letters, digits, '-', '_' and '.' (what Karaf's commands use). */
    private static final Pattern NAME = Pattern.compile("([A-Za-z][\\w.-]*:)?[A-Za-z][\\w.-]*");

    /** One command with its arguments. */
    record Invocation(String scope, String name, List<Object> arguments) {
        String qualifiedName() {
            return scope + ":" + name;
        }
    }

    /**
     * Reads the commands from the environment.
     *
     * @throws IllegalArgumentException naming the argument, when a command name is not a name (e.g. a whole
     *                                  command line quoted as one argument) or the variables are inconsistent
     */
    static OneShotCommands fromEnvironment(Map<String, String> environment) {
        String count = environment.get(COUNT_VARIABLE);
        int n;
        try {
            n = Integer.parseInt(count == null ? "" : count.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(COUNT_VARIABLE + " must be the number of arguments, not '" + count + "'");
        }
        List<String> arguments = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            String value = environment.get(ARGUMENT_PREFIX + i);
            if (value == null) {
                throw new IllegalArgumentException(ARGUMENT_PREFIX + i + " is missing (" + COUNT_VARIABLE + "=" + n + ")");
            }
            arguments.add(value);
        }
        return of(arguments);
    }

    /** Splits an argument list at lone ";" arguments into commands. */
    static OneShotCommands of(List<String> arguments) {
        List<Invocation> invocations = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (String argument : arguments) {
            if (argument.equals(SEPARATOR)) {
                invocations.add(invocation(current));
                current = new ArrayList<>();
            } else {
                current.add(argument);
            }
        }
        invocations.add(invocation(current));
        return new OneShotCommands(List.copyOf(invocations));
    }

    private static Invocation invocation(List<String> words) {
        if (words.isEmpty()) {
            throw new IllegalArgumentException("empty command (two ';' in a row, or one at either end)");
        }
        String command = words.get(0);
        if (!NAME.matcher(command).matches()) {
            throw new IllegalArgumentException("'" + command + "' is not a command name; give the command and each"
                    + " argument separately (bin/cftrec run spec.json, not bin/cftrec \"run spec.json\"), and"
                    + " separate commands with a lone ';' argument (bin/cftrec runs \\; show <id>)");
        }
        int colon = command.indexOf(':');
        String scope = colon < 0 ? DEFAULT_SCOPE : command.substring(0, colon);
        String name = colon < 0 ? command : command.substring(colon + 1);
        return new Invocation(scope, name, List.copyOf(words.subList(1, words.size())));
    }
}
