package dev.p2pchat.directory.system;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * Hands the request log ({@link RequestLogFilter}) to one writer thread. Written on the request
 * threads, one line per request made every thread take the console appender's lock and wait for
 * its write: under load that lock was the most contended one in the service and doubled the
 * lookups' 90th-percentile latency (bench/). The lines still go to the appenders Spring Boot
 * configured (plain or structured, console or file), and none is dropped while the service
 * runs: when the queue is full, requests wait for it as they did before. Other loggers stay
 * synchronous, so errors are never late. On shutdown, after requests in flight have finished,
 * the queue is written out (for up to {@link #FLUSH_MILLIS}).
 *
 * <p>Only Boot's default set-up is changed: if the operator's logging configuration gives the
 * request logger or one of its parents appenders of its own, or turns additivity off there, the
 * request log is left exactly as configured.
 */
@Component
class AsyncRequestLog implements InitializingBean, DisposableBean {

    static final int QUEUE_SIZE = 8192;
    static final int FLUSH_MILLIS = 10_000;
    private static final String NAME = "p2pchat-requests-async";

    private AsyncAppender async;

    @Override
    public void afterPropertiesSet() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context) || configuredByOperator(context)) {
            return;
        }
        Logger requests = context.getLogger(RequestLogFilter.LOGGER);
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        AsyncAppender appender = new AsyncAppender();
        appender.setContext(context);
        appender.setName(NAME);
        appender.setQueueSize(QUEUE_SIZE);
        appender.setDiscardingThreshold(0);
        appender.setNeverBlock(false);
        appender.setMaxFlushTime(FLUSH_MILLIS);
        List<Appender<ILoggingEvent>> targets = new ArrayList<>();
        root.iteratorForAppenders().forEachRemaining(targets::add);
        appender.addAppender(new Forward(context, targets)); // an AsyncAppender takes one appender only
        appender.start();
        requests.addAppender(appender);
        requests.setAdditive(false);
        this.async = appender;
    }

    /** True when the request logger or a parent below the root has appenders or no additivity. */
    private static boolean configuredByOperator(LoggerContext context) {
        String name = RequestLogFilter.LOGGER;
        while (true) {
            Logger logger = context.exists(name);
            if (logger != null && (!logger.isAdditive() || logger.iteratorForAppenders().hasNext())) {
                return true;
            }
            int dot = name.lastIndexOf('.');
            if (dot < 0) {
                return false;
            }
            name = name.substring(0, dot);
        }
    }

    @Override
    public void destroy() {
        if (async == null) {
            return;
        }
        LoggerContext context = (LoggerContext) async.getContext();
        Logger requests = context.getLogger(RequestLogFilter.LOGGER);
        // undo only our own set-up: logging may have been reset and set up again meanwhile (tests)
        if (requests.getAppender(NAME) == async) {
            requests.detachAppender(async);
            requests.setAdditive(true);
        }
        async.stop(); // writes what is queued
    }

    /**
     * Passes events on to Boot's appenders (console, and file when one is configured). The async
     * appender stops the appender it holds when it stops; through this wrapper it stops only the
     * wrapper, never Boot's.
     */
    private static final class Forward extends AppenderBase<ILoggingEvent> {
        private final List<Appender<ILoggingEvent>> targets;

        Forward(LoggerContext context, List<Appender<ILoggingEvent>> targets) {
            this.targets = List.copyOf(targets);
            setContext(context);
            setName("forward-to-root-appenders");
            start();
        }

        @Override
        protected void append(ILoggingEvent event) {
            for (Appender<ILoggingEvent> target : targets) {
                target.doAppend(event);
            }
        }
    }
}
