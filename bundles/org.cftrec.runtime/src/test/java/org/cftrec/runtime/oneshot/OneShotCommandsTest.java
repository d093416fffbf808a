package org.cftrec.runtime.oneshot;

import org.junit.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

public class OneShotCommandsTest {

    private static Map<String, String> environment(String... arguments) {
        Map<String, String> env = new HashMap<>();
        env.put(OneShotCommands.COUNT_VARIABLE, Integer.toString(arguments.length));
        for (int i = 0; i < arguments.length; i++) {
            env.put(OneShotCommands.ARGUMENT_PREFIX + (i + 1), arguments[i]);
        }
        return env;
    }

    @Test
    public void argumentsReachTheCommandVerbatimWhateverShellSyntaxTheyHold() {
        String hostile = "z$(shell:exec touch PWNED) ${karaf.home} \"q\" 'x' \\ *.json; cancel x";
        OneShotCommands commands = OneShotCommands.fromEnvironment(environment("validate", hostile));
        assertEquals(1, commands.invocations().size());
        OneShotCommands.Invocation only = commands.invocations().get(0);
        assertEquals("cftrec:validate", only.qualifiedName());
        assertEquals(List.of(hostile), only.arguments());
    }

    @Test
    public void loneSemicolonsSeparateCommandsAndEachUnscopedOneGetsTheCftrecScope() {
        OneShotCommands commands = OneShotCommands.of(List.of("runs", ";", "cancel", "r1", ";", "feature:list", "-i"));
        assertEquals(List.of("cftrec:runs", "cftrec:cancel", "feature:list"),
                commands.invocations().stream().map(OneShotCommands.Invocation::qualifiedName).toList());
        assertEquals(List.of("r1"), commands.invocations().get(1).arguments());
        assertEquals(List.of("-i"), commands.invocations().get(2).arguments());
    }

    @Test
    public void aWholeCommandLineInOneArgumentIsRefusedWithTheWayToWriteIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OneShotCommands.of(List.of("runs; cancel X")));
        assertTrue(e.getMessage(), e.getMessage().contains("'runs; cancel X' is not a command name"));
        assertThrows(IllegalArgumentException.class, () -> OneShotCommands.of(List.of("$(shell:exec id)")));
        assertThrows(IllegalArgumentException.class, () -> OneShotCommands.of(List.of("runs", ";")));
        assertThrows(IllegalArgumentException.class, () -> OneShotCommands.of(List.of(";", "runs")));
    }

    @Test
    public void inconsistentEnvironmentIsNamed() {
        Map<String, String> env = environment("runs");
        env.put(OneShotCommands.COUNT_VARIABLE, "2");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OneShotCommands.fromEnvironment(env));
        assertEquals("CFTREC_ARG_2 is missing (CFTREC_ARGC=2)", e.getMessage());
        env.put(OneShotCommands.COUNT_VARIABLE, "two");
        assertThrows(IllegalArgumentException.class, () -> OneShotCommands.fromEnvironment(env));
    }
}
