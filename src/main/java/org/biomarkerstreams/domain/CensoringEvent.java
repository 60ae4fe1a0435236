package org.biomarkerstreams.domain;

import java.time.Instant;

/** A discharge or death that ends observation before normalization (ADaM CNSR 2 or 3). */
public record CensoringEvent(Kind kind, Instant at) {

    /** Kinds of censoring with their ADaM CNSR code. */
    public enum Kind {
        DISCHARGED(2),
        DIED(3);

        private final int cnsr;

        Kind(int cnsr) {
            this.cnsr = cnsr;
        }

        public int cnsr() {
            return cnsr;
        }
    }
}
