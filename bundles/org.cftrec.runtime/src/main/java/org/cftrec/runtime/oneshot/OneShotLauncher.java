package org.cftrec.runtime.oneshot;

import org.apache.karaf.features.BootFinished;
import org.apache.karaf.shell.api.console.Command;
import org.apache.karaf.shell.api.console.Registry;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;

import javax.security.auth.Subject;
import java.io.ByteArrayInputStream;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One-shot mode of {@code bin/cftrec}: when the environment variable {@value #ONESHOT_VARIABLE} is set, this
 * component waits for Karaf's boot to finish, runs the commands {@link OneShotCommands} reads from the
 * environment, stops the framework and makes the JVM exit with a status: 0 when every command succeeded, 1 when
 * one failed (the rest are skipped), 2 when the command line itself is wrong.
 */
@Component(immediate = true)
public class OneShotLauncher {
    static final String ONESHOT_VARIABLE = "CFTREC_ONESHOT";
    private static final AtomicBoolean STARTED = new AtomicBoolean();
    /** Boot can finish a moment before the shell extender has registered every bundle's commands. */
    private static final long OWN_COMMANDS_WAIT_NANOS = 30_000_000_000L;
    /** Commands of other scopes (feature:, bundle:) come from boot features too; a short grace is enough. */
    private static final long OTHER_COMMAND_WAIT_NANOS = 2_000_000_000L;
    private static final Set<String> HELP = Set.of("help", "-h", "--help");
    /** How long the exit hook waits for the command, then for the framework, to end. */
    private static final long SHUTDOWN_WAIT_MILLIS = 60_000;

    /** Whether this JVM is a one-shot {@code bin/cftrec} start (it exits when its commands end). */
    public static boolean active() {
        return System.getenv(ONESHOT_VARIABLE) != null;
    }

    @Reference
    private BootFinished bootFinished; // only its presence matters: all boot features are started

    @Reference
    private SessionFactory sessionFactory;

    @Activate
    void activate(BundleContext context) {
        if (!active() || !STARTED.compareAndSet(false, true)) {
            return;
        }
        Bundle framework = context.getBundle(0);
        // Until the commands end, the exit status of a JVM stopped from outside (SIGTERM, Ctrl-C) is a failure.
        AtomicInteger status = new AtomicInteger(1);
        Thread job = new Thread(() -> {
            status.set(execute());
            try {
                framework.stop();
            } catch (BundleException | IllegalStateException e) {
                // already stopping (a signal came first): the shutdown hook ends the JVM
            }
        }, "cftrec-oneshot");
        // Karaf's launcher exits with 0 after a graceful stop; this hook turns that into the commands' status. On a
        // signal it runs beside Karaf's own hook, so it first lets the command see its run end (a run stopped by
        // the shutdown is marked INTERRUPTED and the command fails) and the framework finish stopping.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                job.join(SHUTDOWN_WAIT_MILLIS);
                long deadline = System.currentTimeMillis() + SHUTDOWN_WAIT_MILLIS;
                while ((framework.getState() & (Bundle.ACTIVE | Bundle.STOPPING)) != 0
                        && System.currentTimeMillis() < deadline) {
                    Thread.sleep(50);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(status.get());
        }, "cftrec-oneshot-exit"));
        job.start();
    }

    /**
     * The one-shot command runs for the local user who started the process, like Karaf's local console: with the
     * administrator roles, so that ACL-guarded commands (feature:install, bundle:update, ...) are visible.
     */
    private static Subject localAdministrator() {
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal(System.getProperty("user.name", "local")));
        for (String role : new String[] {"admin", "manager", "viewer", "systembundles"}) {
            subject.getPrincipals().add(new RolePrincipal(role));
        }
        return subject;
    }

    private int execute() {
        // The process's own streams: Karaf's System.out dispatches to the current session, which would loop.
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        OneShotCommands commands;
        try {
            commands = OneShotCommands.fromEnvironment(System.getenv());
        } catch (IllegalArgumentException e) {
            err.println("Error: " + e.getMessage());
            return 2;
        }
        try (Session session = sessionFactory.create(new ByteArrayInputStream(new byte[0]), out, err)) {
            Registry registry = session.getRegistry();
            awaitCommand(registry, OneShotCommands.DEFAULT_SCOPE, "run", OWN_COMMANDS_WAIT_NANOS);
            for (OneShotCommands.Invocation invocation : commands.invocations()) {
                if (invocation.scope().equals(OneShotCommands.DEFAULT_SCOPE) && HELP.contains(invocation.name())) {
                    printHelp(registry, out);
                    continue;
                }
                Command command = awaitCommand(registry, invocation.scope(), invocation.name(), OTHER_COMMAND_WAIT_NANOS);
                if (command == null) {
                    err.println("Error: unknown command '" + invocation.qualifiedName() + "'; bin/cftrec help lists"
                            + " the CFTRec commands");
                    return 1;
                }
                // The arguments go to the command as they are: no console parsing, no expansion.
                Object result = Subject.doAs(localAdministrator(),
                        (PrivilegedExceptionAction<Object>) () -> command.execute(session, invocation.arguments()));
                if (result != null) {
                    out.println(result);
                }
            }
            return 0;
        } catch (Throwable e) {
            Throwable cause = e instanceof PrivilegedActionException p ? p.getCause() : e;
            err.println("Error: " + (cause.getMessage() == null ? cause.toString() : cause.getMessage()));
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static Command awaitCommand(Registry registry, String scope, String name, long waitNanos)
            throws InterruptedException {
        long deadline = System.nanoTime() + waitNanos;
        Command command;
        while ((command = registry.getCommand(scope, name)) == null && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return command;
    }

    /** Prints the CFTRec commands with their descriptions, as a table. */
    private static void printHelp(Registry registry, PrintStream out) {
        out.println("usage: bin/cftrec <command> [arguments] [\\; <command> [arguments] ...]"
                + "   (bin/cftrec <command> --help: its arguments and options)");
        ShellTable table = new ShellTable();
        table.column("command");
        table.column("description");
        registry.getCommands().stream()
                .filter(c -> c.getScope().equals(OneShotCommands.DEFAULT_SCOPE))
                .sorted(Comparator.comparing(Command::getName))
                .forEach(c -> table.addRow().addContent(c.getName(), c.getDescription()));
        table.print(out, true);
    }
}
