package dev.p2pchat.directory.system;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * Hands the request log ({@link RequestLogFilter}) to one writer thread. Written on the request
 * threads, one line per request made every thread take the console appender's lock and wait for
 * its write: under load that lock was the most contended one in the service and doubled the
 * lookups' 90th-percentile latency (bench/). The lines still go to the appenders Spring Boot
 * configured (plain or structured, console or file); none is dropped: when the queue is full,
 * requests wait for it as they did before. Other loggers stay synchronous, so errors are never
 * late. Pending lines are written on shutdown.
 */
@Component
class AsyncRequestLog implements InitializingBean, DisposableBean {

    static final int QUEUE_SIZE = 8192;

    private AsyncAppender async;

    @Override
    public void afterPropertiesSet() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another logging backend: leave it as configured
        }
        Logger requests = context.getLogger(RequestLogFilter.LOGGER);
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (!requests.isAdditive() || requests.iteratorForAppenders().hasNext()) {
            return; // configured explicitly by the operator: respect that
        }
        AsyncAppender appender = new AsyncAppender();
        appender.setContext(context);
        appender.setName("p2pchat-requests-async");
        appender.setQueueSize(QUEUE_SIZE);
        appender.setDiscardingThreshold(0);
        appender.setNeverBlock(false);
        root.iteratorForAppenders().forEachRemaining(target -> appender.addAppender(new Forward(context, target)));
        appender.start();
        requests.addAppender(appender);
        requests.setAdditive(false);
        this.async = appender;
    }

    @Override
    public void destroy() {
        if (async != null) {
            LoggerContext context = (LoggerContext) async.getContext();
            Logger requests = context.getLogger(RequestLogFilter.LOGGER);
            requests.setAdditive(true);
            requests.detachAppender(async);
            async.stop(); // writes what is queued (up to a second)
        }
    }

    /**
     * Passes events on to one of Boot's appenders. The async appender stops the appenders it
     * holds when it stops; through this wrapper it stops only the wrapper, never Boot's.
     */
    private static final class Forward extends AppenderBase<ILoggingEvent> {
        private final Appender<ILoggingEvent> target;

        Forward(LoggerContext context, Appender<ILoggingEvent> target) {
            this.target = target;
            setContext(context);
            setName("forward-to-" + target.getName());
            start();
        }

        @Override
        protected void append(ILoggingEvent event) {
            target.doAppend(event);
        }
    }
}
