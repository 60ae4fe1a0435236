package org.biomarkerstreams.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The server's key manager: delegates to the current generation of {@link TlsMaterial}, so a handshake that starts
 * after a reload presents the new certificate while the listener and its {@code SSLContext} stay as they are.
 *
 * <p>The JDK asks for an alias first and for its key and chain later in the same handshake; a reload may come in
 * between. Aliases are therefore prefixed with their generation ({@code 7:server}) and the previous generation is
 * kept, so a handshake finishes with the material it started with.
 */
final class ReloadingKeyManager extends X509ExtendedKeyManager {

    private record Generation(long number, X509ExtendedKeyManager keys) {}

    private volatile Generation current;
    private volatile Generation previous;

    ReloadingKeyManager(X509ExtendedKeyManager first) {
        this.current = new Generation(1, first);
        this.previous = current;
    }

    synchronized void replace(X509ExtendedKeyManager next) {
        previous = current;
        current = new Generation(current.number() + 1, next);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        Generation g = current;
        return tag(g, g.keys().chooseServerAlias(keyType, issuers, socket));
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        Generation g = current;
        return tag(g, g.keys().chooseEngineServerAlias(keyType, issuers, engine));
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        Generation g = current;
        String[] aliases = g.keys().getServerAliases(keyType, issuers);
        if (aliases == null) {
            return null;
        }
        String[] tagged = new String[aliases.length];
        for (int i = 0; i < aliases.length; i++) {
            tagged[i] = tag(g, aliases[i]);
        }
        return tagged;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Generation g = generationOf(alias);
        return g == null ? null : g.keys().getCertificateChain(untag(alias));
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Generation g = generationOf(alias);
        return g == null ? null : g.keys().getPrivateKey(untag(alias));
    }

    // A server never authenticates as a client.

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return null;
    }

    private static String tag(Generation g, String alias) {
        return alias == null ? null : g.number() + ":" + alias;
    }

    private static String untag(String alias) {
        return alias.substring(alias.indexOf(':') + 1);
    }

    private Generation generationOf(String alias) {
        if (alias == null) {
            return null;
        }
        int colon = alias.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        long number;
        try {
            number = Long.parseLong(alias.substring(0, colon));
        } catch (NumberFormatException e) {
            return null;
        }
        Generation c = current;
        if (c.number() == number) {
            return c;
        }
        Generation p = previous;
        return p.number() == number ? p : null;
    }
}
