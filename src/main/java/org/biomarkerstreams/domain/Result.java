package org.biomarkerstreams.domain;

import java.util.Objects;
import java.util.function.Function;

/**
 * Errors as values, like kstreamplify's {@code ProcessingResult}: expected bad input is a {@link Rejected}
 * carrying a {@link Rejection}, so a topology can split it to a dead-letter topic instead of throwing. Bugs
 * still throw.
 *
 * @param <T> the type of the successful value
 */
public sealed interface Result<T> {

    /** A successful result. */
    record Ok<T>(T value) implements Result<T> {
        public Ok {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public boolean isOk() {
            return true;
        }

        @Override
        public Rejection rejection() {
            throw new IllegalStateException("Ok result has no rejection");
        }
    }

    /** A rejected input. */
    record Rejected<T>(Rejection rejection) implements Result<T> {
        public Rejected {
            Objects.requireNonNull(rejection, "rejection");
        }

        @Override
        public boolean isOk() {
            return false;
        }

        @Override
        public T value() {
            throw new IllegalStateException(
                    "Rejected result has no value: " + rejection.code() + " " + rejection.message());
        }
    }

    static <T> Result<T> ok(T value) {
        return new Ok<>(value);
    }

    static <T> Result<T> rejected(ErrorCode code, String message) {
        return new Rejected<>(new Rejection(code, message));
    }

    static <T> Result<T> rejected(Rejection rejection) {
        return new Rejected<>(rejection);
    }

    boolean isOk();

    default boolean isRejected() {
        return !isOk();
    }

    /** The value; throws {@link IllegalStateException} when rejected. */
    T value();

    /** The rejection; throws {@link IllegalStateException} when ok. */
    Rejection rejection();

    /** The value, or {@code other} when rejected. */
    default T orElse(T other) {
        return isOk() ? value() : other;
    }

    /** Transforms the value; a rejection passes through unchanged. */
    @SuppressWarnings("unchecked")
    default <U> Result<U> map(Function<? super T, ? extends U> f) {
        if (this instanceof Ok<T> ok) {
            return new Ok<>(f.apply(ok.value()));
        }
        return (Result<U>) this;
    }

    /** Chains a step that may itself reject; the first rejection wins. */
    @SuppressWarnings("unchecked")
    default <U> Result<U> flatMap(Function<? super T, Result<U>> f) {
        if (this instanceof Ok<T> ok) {
            return Objects.requireNonNull(f.apply(ok.value()), "flatMap function returned null");
        }
        return (Result<U>) this;
    }
}
