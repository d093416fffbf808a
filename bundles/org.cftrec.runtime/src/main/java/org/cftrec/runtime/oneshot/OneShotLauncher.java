package org.cftrec.runtime.oneshot;

import org.apache.karaf.features.BootFinished;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
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
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One-shot mode of {@code bin/cftrec}: when the environment variable {@value #COMMAND_VARIABLE} is set, this
 * component waits for Karaf's boot to finish, runs the console command it holds, stops the framework and makes
 * the JVM exit with the command's status (0 on success, 1 on error).
 */
@Component(immediate = true)
public class OneShotLauncher {
    static final String COMMAND_VARIABLE = "CFTREC_COMMAND";
    private static final AtomicBoolean STARTED = new AtomicBoolean();
    private static final long COMMAND_WAIT_NANOS = 30_000_000_000L;

    @Reference
    private BootFinished bootFinished; // only its presence matters: all boot features are started

    @Reference
    private SessionFactory sessionFactory;

    @Activate
    void activate(BundleContext context) {
        String command = System.getenv(COMMAND_VARIABLE);
        if (command == null || command.isBlank() || !STARTED.compareAndSet(false, true)) {
            return;
        }
        Thread job = new Thread(() -> {
            int status = execute(command);
            // Karaf's launcher calls System.exit(0) after a graceful stop; the hook turns that into our status.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> Runtime.getRuntime().halt(status)));
            try {
                context.getBundle(0).stop();
            } catch (BundleException e) {
                Runtime.getRuntime().halt(status);
            }
        }, "cftrec-oneshot");
        job.start();
    }

    /**
     * Boot can finish a moment before the shell extender has registered every bundle's commands; wait for
     * the one we need instead of failing with "command not found".
     */
    private static void awaitCommand(Session session, String qualifiedName) throws InterruptedException {
        int colon = qualifiedName.indexOf(':');
        if (colon < 0) {
            return;
        }
        String scope = qualifiedName.substring(0, colon);
        String name = qualifiedName.substring(colon + 1);
        long deadline = System.nanoTime() + COMMAND_WAIT_NANOS;
        while (session.getRegistry().getCommand(scope, name) == null && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
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

    private int execute(String command) {
        // The process's own streams: Karaf's System.out dispatches to the current session, which would loop.
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        try (Session session = sessionFactory.create(new ByteArrayInputStream(new byte[0]), out, err)) {
            awaitCommand(session, command.trim().split("\\s+")[0]);
            Object result = Subject.doAs(localAdministrator(), (PrivilegedExceptionAction<Object>) () -> session.execute(command));
            if (result != null) {
                out.println(result);
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
}
