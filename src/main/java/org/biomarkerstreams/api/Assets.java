package org.biomarkerstreams.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/** The dashboard's files and its chart library (from the ECharts WebJar on the class path), loaded once each. */
final class Assets {

    private static final String ECHARTS_POM = "META-INF/maven/org.webjars.npm/echarts/pom.properties";

    private final Map<String, byte[]> loaded = new ConcurrentHashMap<>();

    Reply get(String name) {
        String resource = name.equals(ApiRequest.ECHARTS) ? echartsResource() : "dashboard/" + name;
        byte[] body = resource == null ? null : loaded.computeIfAbsent(resource, Assets::load);
        if (body == null || body.length == 0) {
            return Reply.error(404, "not found");
        }
        return new Reply(200, contentType(name), body);
    }

    private static String echartsResource() {
        try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(ECHARTS_POM)) {
            if (in == null) {
                return null;
            }
            Properties pom = new Properties();
            pom.load(in);
            return "META-INF/resources/webjars/echarts/" + pom.getProperty("version") + "/dist/echarts.min.js";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] load(String resource) {
        try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(resource)) {
            // An empty array marks a missing resource (computeIfAbsent does not store null).
            return in == null ? new byte[0] : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String contentType(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        } else if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        } else if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        return "application/octet-stream";
    }
}
