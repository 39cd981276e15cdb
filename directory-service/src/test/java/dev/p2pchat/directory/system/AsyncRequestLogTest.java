package dev.p2pchat.directory.system;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The request log goes to Boot's appenders from its own thread, and only in Boot's default set-up. */
class AsyncRequestLogTest {

    /** Records each line with the thread that wrote it. */
    static final class Recording extends AppenderBase<ILoggingEvent> {
        record Line(String message, Thread writer) {
        }

        final List<Line> lines = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            lines.add(new Line(event.getFormattedMessage(), Thread.currentThread()));
        }
    }

    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger requests = context.getLogger(RequestLogFilter.LOGGER);
    private final Recording recording = new Recording();
    /** What an application context of another test class in this JVM may have set up. */
    private final List<ch.qos.logback.core.Appender<ILoggingEvent>> before = new java.util.ArrayList<>();
    private boolean additiveBefore;

    @BeforeEach
    void attach() {
        additiveBefore = requests.isAdditive();
        requests.iteratorForAppenders().forEachRemaining(before::add);
        before.forEach(requests::detachAppender);
        requests.setAdditive(true);
        recording.setContext(context);
        recording.start();
        root.addAppender(recording);
    }

    @AfterEach
    void detach() {
        root.detachAppender(recording);
        context.getLogger("p2pchat").setAdditive(true);
        before.forEach(requests::addAppender);
        requests.setAdditive(additiveBefore);
    }

    @Test
    void requestLinesReachEveryRootAppenderFromAnotherThreadAndNoneIsLostAtShutdown() {
        Recording file = new Recording(); // Boot adds a file appender beside the console when asked to
        file.setContext(context);
        file.start();
        root.addAppender(file);
        AsyncRequestLog async = new AsyncRequestLog();
        try {
            async.afterPropertiesSet();
            for (int i = 0; i < 1000; i++) {
                LoggerFactory.getLogger(RequestLogFilter.LOGGER).info("GET /api/v1/peers/u{} 200", i);
            }
            async.destroy();
        } finally {
            root.detachAppender(file);
        }

        assertThat(file.lines).hasSize(1000);
        assertThat(recording.lines).hasSize(1000);
        assertThat(recording.lines).allSatisfy(line -> assertThat(line.writer()).isNotSameAs(Thread.currentThread()));
        assertThat(recording.lines.get(999).message()).isEqualTo("GET /api/v1/peers/u999 200");
        assertThat(recording.isStarted()).as("Boot's appenders keep running").isTrue();

        recording.lines.clear();
        LoggerFactory.getLogger(RequestLogFilter.LOGGER).info("after shutdown");
        assertThat(requests.isAdditive()).isTrue();
        assertThat(recording.lines).singleElement()
                .satisfies(line -> assertThat(line.writer()).isSameAs(Thread.currentThread()));
    }

    @Test
    void otherLoggersStaySynchronous() {
        AsyncRequestLog async = new AsyncRequestLog();
        async.afterPropertiesSet();
        try {
            LoggerFactory.getLogger("dev.p2pchat.directory.Something").warn("an error, written at once");
            assertThat(recording.lines).singleElement()
                    .satisfies(line -> assertThat(line.writer()).isSameAs(Thread.currentThread()));
        } finally {
            async.destroy();
        }
    }

    @Test
    void anOperatorsOwnSetUpOfTheRequestLogIsLeftAlone() {
        context.getLogger("p2pchat").setAdditive(false);
        AsyncRequestLog async = new AsyncRequestLog();
        async.afterPropertiesSet();
        try {
            assertThat(requests.iteratorForAppenders().hasNext()).isFalse();
            assertThat(requests.isAdditive()).isTrue();
        } finally {
            async.destroy();
        }
    }
}
