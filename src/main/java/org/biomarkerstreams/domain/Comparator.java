package org.biomarkerstreams.domain;

/**
 * How a reported value relates to the true value: {@code "<0.5"} is value 0.5 with {@link #LT}, meaning
 * "below the assay's limit of detection". Only the reported bound is known for anything but {@link #EQ}.
 */
public enum Comparator {
    EQ("="),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">=");

    private final String symbol;

    Comparator(String symbol) {
        this.symbol = symbol;
    }

    /** The symbol as it is written before a number: {@code ""} for EQ, {@code "<"}, {@code "<="}, .... */
    public String prefix() {
        return this == EQ ? "" : symbol;
    }

    /** The symbol, {@code "="} for EQ. */
    public String symbol() {
        return symbol;
    }
}
