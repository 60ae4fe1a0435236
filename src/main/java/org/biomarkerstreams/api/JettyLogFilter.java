package org.biomarkerstreams.api;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Keeps Jetty's debug and info lines out of the log whatever level an operator sets: they print request URIs, and
 * API paths carry patient ids. Jetty's warnings and errors (a listener that cannot start, a broken certificate)
 * still show. Installed by {@code logback.xml}; our own handler logs route templates only.
 */
public final class JettyLogFilter extends TurboFilter {

    private static final String JETTY = "org.eclipse.jetty";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level != null && level.toInt() < Level.WARN_INT && logger.getName().startsWith(JETTY)) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }
}
