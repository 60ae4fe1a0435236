package org.biomarkerstreams.testing;

import java.util.OptionalInt;
import org.biomarkerstreams.demo.EmbeddedKafkaBroker;
import org.biomarkerstreams.demo.LocalStack;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The schema registry of {@code broker --with-registry}: an embedded broker (temporary data directory) with the
 * project's own Confluent-compatible registry next to it, both on free loopback ports, as {@link LocalStack} starts
 * them for the command.
 *
 * <p>One stack serves the whole test JVM: it lives in the root extension store and is closed when JUnit closes that
 * store. Tests sharing it should use their own subjects.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalRegistryExtension REGISTRY = new LocalRegistryExtension();
 * ... RegistryConfig.of(REGISTRY.url()) ...
 * }</pre>
 */
public final class LocalRegistryExtension implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(LocalRegistryExtension.class);

    private volatile LocalStack stack;

    @Override
    public void beforeAll(ExtensionContext context) {
        stack = context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(
                        LocalStack.class,
                        key -> LocalStack.start(
                                new LocalStack.Options(EmbeddedKafkaBroker.Options.defaults(), OptionalInt.of(0))),
                        LocalStack.class);
    }

    /** The registry's base URL, {@code http://127.0.0.1:PORT}. */
    public String url() {
        return started().registryUrl().orElseThrow();
    }

    /** The broker whose {@code _schemas} topic holds the registry's state. */
    public String bootstrapServers() {
        return started().bootstrapServers();
    }

    private LocalStack started() {
        if (stack == null) {
            throw new IllegalStateException("The local registry is not started: register the extension with a static"
                    + " @RegisterExtension field so beforeAll runs first");
        }
        return stack;
    }
}
