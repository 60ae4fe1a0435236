package org.biomarkerstreams.ingest.hl7;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which source addresses may open an MLLP connection ({@code --mllp-allow-cidr}): IPv4 and IPv6 CIDR blocks, or
 * single addresses. Empty allows every source. Checked before a byte is read, even before a TLS handshake.
 */
public final class SourceAllowlist {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private record Block(byte[] network, int prefix, String text) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    private final List<Block> blocks;

    private SourceAllowlist(List<Block> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    /** Every source. */
    public static SourceAllowlist anySource() {
        return new SourceAllowlist(List.of());
    }

    /**
     * @param cidrs such as {@code 10.20.0.0/16}, {@code 2001:db8::/32} or {@code 192.0.2.7}
     * @throws IllegalArgumentException naming {@code --mllp-allow-cidr} and the bad entry
     */
    public static SourceAllowlist of(List<String> cidrs) {
        List<Block> blocks = new ArrayList<>();
        for (String cidr : cidrs) {
            blocks.add(parse(cidr.strip()));
        }
        return new SourceAllowlist(blocks);
    }

    private static Block parse(String cidr) {
        int slash = cidr.indexOf('/');
        String host = slash < 0 ? cidr : cidr.substring(0, slash);
        // literals only: a host name would mean a DNS lookup, and a spoofable one
        if (!(host.contains(":") || IPV4.matcher(host).matches())) {
            throw new IllegalArgumentException(
                    "--mllp-allow-cidr: '" + cidr + "' is not an IPv4 or IPv6 address or CIDR block");
        }
        byte[] network;
        try {
            network = InetAddress.getByName(host).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--mllp-allow-cidr: '" + cidr + "' is not an IP address");
        }
        int prefix;
        try {
            prefix = slash < 0 ? network.length * 8 : Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            prefix = -1;
        }
        if (prefix < 0 || prefix > network.length * 8) {
            throw new IllegalArgumentException(
                    "--mllp-allow-cidr: '" + cidr + "' has a prefix length outside 0-" + network.length * 8);
        }
        return new Block(network, prefix, cidr);
    }

    /** Whether {@code source} may connect. */
    public boolean allows(InetAddress source) {
        if (blocks.isEmpty()) {
            return true;
        }
        byte[] address = plain(source).getAddress();
        for (Block b : blocks) {
            if (b.contains(address)) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    /** An IPv4-mapped IPv6 address (a dual-stack socket's view of an IPv4 peer) as the IPv4 address. */
    private static InetAddress plain(InetAddress source) {
        if (source instanceof Inet6Address v6) {
            byte[] a = v6.getAddress();
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= a[i] == 0;
            }
            mapped &= a[10] == (byte) 0xFF && a[11] == (byte) 0xFF;
            if (mapped) {
                try {
                    return Inet4Address.getByAddress(new byte[] {a[12], a[13], a[14], a[15]});
                } catch (UnknownHostException e) {
                    return source;
                }
            }
        }
        return source;
    }

    @Override
    public String toString() {
        return blocks.isEmpty()
                ? "any source"
                : blocks.stream().map(Block::text).toList().toString();
    }
}
