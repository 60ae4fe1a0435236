package org.biomarkerstreams.api.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.biomarkerstreams.api.auth.AuthResult.Authenticated;
import org.biomarkerstreams.api.auth.AuthResult.Missing;
import org.biomarkerstreams.api.auth.AuthResult.Rejected;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API tokens for sites without an identity provider, from a secret file with one token per line:
 *
 * <pre>
 * # name:sha256-hex-of-token:role[,role...]
 * lab-dashboard:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08:monitor,unblinded
 * </pre>
 *
 * <p>The file holds SHA-256 digests, not tokens, so that reading it (a backup, a misplaced copy) does not
 * give access. A fast hash is right here, unlike for passwords: a token is 32 random bytes
 * ({@link #generate}), so there is no dictionary to try and 2<sup>256</sup> guesses to make; a slow hash
 * (bcrypt, Argon2) would only cost CPU on every request. Digests are compared in constant time
 * ({@link MessageDigest#isEqual}) against every entry, without stopping at a match, so the time taken
 * says neither how much of a digest matched nor which line it was.
 *
 * <p>The file is re-read every {@value #RELOAD_SECONDS} seconds when its content changed (a Kubernetes
 * Secret update or an edit), so revoking a token is deleting its line. A file that fails to parse on
 * reload is logged and the tokens loaded before stay in force.
 */
public final class ApiTokens implements Authenticator, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiTokens.class);

    /** Every API token starts with this, so that it is routed here and recognised in leaked text. */
    public static final String PREFIX = "bst_";

    static final int RELOAD_SECONDS = 10;
    static final int TOKEN_BYTES = 32;
    private static final long MAX_FILE_BYTES = 1024 * 1024;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
    private static final String FORMAT = "<name>:<sha256-hex-of-token>:<role>[,<role>...]";

    private record Entry(String name, byte[] digest, Set<Role> roles) {}

    private record Loaded(byte[] fileDigest, List<Entry> entries) {}

    private final Path file;
    private final BiPredicate<byte[], byte[]> sameDigest;
    private volatile Loaded loaded;
    private ScheduledExecutorService reloader;

    private ApiTokens(Path file, BiPredicate<byte[], byte[]> sameDigest) {
        this.file = file;
        this.sameDigest = sameDigest;
        this.loaded = read(file);
    }

    /**
     * Reads the token file and watches it for changes until {@link #close()}.
     *
     * @throws IllegalArgumentException when the file cannot be read or a line is malformed (its number named)
     */
    public static ApiTokens load(Path file) {
        ApiTokens tokens = new ApiTokens(file, ApiTokens::constantTimeEquals);
        tokens.reloader = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "api-token-file");
            thread.setDaemon(true);
            return thread;
        });
        tokens.reloader.scheduleWithFixedDelay(tokens::reloadQuietly, RELOAD_SECONDS, RELOAD_SECONDS, TimeUnit.SECONDS);
        return tokens;
    }

    /** Without the reload thread, and with the digest comparison given: for tests. */
    static ApiTokens loadUnwatched(Path file, BiPredicate<byte[], byte[]> sameDigest) {
        return new ApiTokens(file, sameDigest);
    }

    /** Without the reload thread: for tests. */
    static ApiTokens loadUnwatched(Path file) {
        return new ApiTokens(file, ApiTokens::constantTimeEquals);
    }

    /** A new token: {@value #PREFIX} and 43 base64url characters of 32 bytes from the random source. */
    public static String generate(SecureRandom random) {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The token file's line for a token: its name, the token's SHA-256 digest and the roles. */
    public static String fileLine(String name, String token, Set<Role> roles) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "a token name is 1 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit");
        }
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("a token needs at least one role");
        }
        return name + ":" + HexFormat.of().formatHex(sha256(token)) + ":"
                + EnumSet.copyOf(roles).stream().map(Role::claimValue).collect(Collectors.joining(","));
    }

    /** Whether a bearer token has the API token shape (as opposed to a JWT). */
    public static boolean isApiToken(String token) {
        return token.startsWith(PREFIX);
    }

    /** How many tokens are in force. */
    public int size() {
        return loaded.entries().size();
    }

    @Override
    public AuthResult authenticate(String authorizationHeader) {
        Optional<String> bearer = BearerToken.from(authorizationHeader);
        if (bearer.isEmpty()) {
            return new Missing();
        }
        String token = bearer.get();
        if (!isApiToken(token) || token.length() > BearerToken.MAX_LENGTH) {
            return new Rejected("not an API token");
        }
        byte[] presented = sha256(token);
        Entry match = null;
        for (Entry entry : loaded.entries()) {
            // Every entry is compared: no early exit that would time which line matched.
            boolean same = sameDigest.test(entry.digest(), presented);
            if (same && match == null) {
                match = entry;
            }
        }
        if (match == null) {
            return new Rejected("unknown API token");
        }
        return new Authenticated(new Caller("token:" + match.name(), match.roles()));
    }

    /** Re-reads the file if its content changed; true when new tokens are in force. */
    boolean reloadIfChanged() {
        byte[] content = readBytes(file);
        if (MessageDigest.isEqual(sha256(content), loaded.fileDigest())) {
            return false;
        }
        Loaded fresh = parse(file, content);
        loaded = fresh;
        LOG.info("API token file {} reloaded: {} tokens", file, fresh.entries().size());
        return true;
    }

    private void reloadQuietly() {
        try {
            reloadIfChanged();
        } catch (IllegalArgumentException e) {
            LOG.error(
                    "API token file not reloaded, the {} tokens loaded before stay in force: {}",
                    size(),
                    e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("API token file {} not reloaded", file, e);
        }
    }

    @Override
    public void close() {
        if (reloader != null) {
            reloader.shutdownNow();
        }
    }

    private static Loaded read(Path file) {
        return parse(file, readBytes(file));
    }

    private static byte[] readBytes(Path file) {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new IllegalArgumentException("API token file " + file + " is larger than 1 MiB");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("API token file " + file + " cannot be read: " + e, e);
        }
    }

    private static Loaded parse(Path file, byte[] content) {
        List<Entry> entries = new ArrayList<>();
        Map<String, Integer> lineOfName = new HashMap<>();
        Map<String, Integer> lineOfDigest = new HashMap<>();
        String[] lines = new String(content, StandardCharsets.UTF_8).split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int number = i + 1;
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            // The digest is never echoed: a malformed line's message says which part is wrong, by line number.
            String[] parts = line.split(":", -1);
            if (parts.length != 3) {
                throw malformed(file, number, "expected " + FORMAT);
            }
            String name = parts[0].strip();
            if (!NAME.matcher(name).matches()) {
                throw malformed(file, number, "the name must be 1 to 64 letters, digits, '.', '_', '@' or '-'");
            }
            String hex = parts[1].strip();
            if (!SHA256_HEX.matcher(hex).matches()) {
                throw malformed(file, number, "the second field must be 64 hex digits (SHA-256 of the token)");
            }
            EnumSet<Role> roles = EnumSet.noneOf(Role.class);
            for (String roleName : parts[2].split(",", -1)) {
                Role role = Role.fromClaim(roleName)
                        .orElseThrow(() -> malformed(
                                file,
                                number,
                                "unknown role '" + BearerToken.printable(roleName.strip()) + "' (known: "
                                        + Arrays.stream(Role.values())
                                                .map(Role::claimValue)
                                                .collect(Collectors.joining(", "))
                                        + ")"));
                roles.add(role);
            }
            Integer earlier = lineOfName.putIfAbsent(name, number);
            if (earlier != null) {
                throw malformed(file, number, "name '" + name + "' is already used on line " + earlier);
            }
            String digestKey = hex.toLowerCase(Locale.ROOT);
            earlier = lineOfDigest.putIfAbsent(digestKey, number);
            if (earlier != null) {
                throw malformed(file, number, "same token digest as line " + earlier);
            }
            entries.add(new Entry(name, HexFormat.of().parseHex(digestKey), roles));
        }
        if (entries.isEmpty()) {
            LOG.warn("API token file {} has no tokens: every API token is rejected", file);
        }
        return new Loaded(sha256(content), List.copyOf(entries));
    }

    /** Takes as long whatever the bytes: a timing difference would tell how much of a digest matched. */
    private static boolean constantTimeEquals(byte[] stored, byte[] presented) {
        return MessageDigest.isEqual(stored, presented);
    }

    private static IllegalArgumentException malformed(Path file, int line, String problem) {
        return new IllegalArgumentException("API token file " + file + " line " + line + ": " + problem);
    }

    private static byte[] sha256(String token) {
        return sha256(token.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
