package dev.p2pchat.directory.signal;

import java.sql.SQLException;
import org.springframework.context.ApplicationContext;

/** What tests outside this package may do to an instance's signalling bus. */
public final class SignalTestAccess {

    private SignalTestAccess() {
    }

    /** Breaks the instance's LISTEN connection, as a network failure would. */
    public static void breakBus(ApplicationContext app) throws SQLException {
        ((PostgresSignalBus) app.getBean(SignalBus.class)).breakConnection();
    }

    public static boolean busListening(ApplicationContext app) {
        return app.getBean(SignalBus.class) instanceof PostgresSignalBus bus && bus.listening();
    }
}
