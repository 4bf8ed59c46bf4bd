package dev.bastion.supply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * An OCI image layout tarball as Jib's buildTar writes it, read without a container tool: index.json, the manifest,
 * the config and each layer's entries (a small ustar/pax reader). Every blob is checked against its digest.
 */
final class OciImage {
    static final ObjectMapper JSON = new ObjectMapper();

    /** One entry of a layer: its path ("/etc/passwd"), type ('0' file, '5' directory, '2' symlink, '1' hard link), mode, owner, time. */
    record Entry(int layer, String path, char type, int mode, int uid, int gid, long size, long mtime, String link) {
        boolean setId() { return (mode & 06000) != 0; }
        boolean worldWritable() { return (mode & 0002) != 0 && type != '2'; }
    }

    final String manifestDigest;
    final JsonNode manifest;
    final JsonNode config;
    final List<Entry> entries = new ArrayList<>();
    /** Contents of the files the caller asked to keep, by path (the top-most layer's). */
    final Map<String, byte[]> contents = new HashMap<>();
    /** sha256 of each layer's uncompressed tar, in order. */
    final List<String> diffIds = new ArrayList<>();

    OciImage(Path tarball, Predicate<String> keep) throws IOException {
        Map<String, byte[]> small = new LinkedHashMap<>();
        Map<String, String> blobSums = new HashMap<>();
        Path layersDir = Files.createTempDirectory("oci-layers");
        try {
            try (InputStream in = Files.newInputStream(tarball)) {
                readTar(in, (e, body) -> {
                    byte[] bytes = body.readAllBytes();
                    String name = e.path();
                    if (name.startsWith("/blobs/sha256/")) {
                        blobSums.put(name.substring("/blobs/sha256/".length()), sha256(bytes));
                        if (bytes.length < 1 << 20) small.put(name, bytes);
                        else Files.write(layersDir.resolve(name.substring("/blobs/sha256/".length())), bytes);
                    } else {
                        small.put(name, bytes);
                    }
                });
            }
            blobSums.forEach((name, sum) -> {
                if (!name.equals(sum)) throw new IllegalStateException("blob " + name + " has digest " + sum);
            });
            JsonNode index = JSON.readTree(small.get("/index.json"));
            manifestDigest = index.path("manifests").get(0).path("digest").asText();
            manifest = JSON.readTree(small.get("/blobs/sha256/" + hex(manifestDigest)));
            config = JSON.readTree(small.get("/blobs/sha256/" + hex(manifest.path("config").path("digest").asText())));
            int n = 0;
            for (JsonNode layer : manifest.path("layers")) {
                String h = hex(layer.path("digest").asText());
                byte[] b = small.get("/blobs/sha256/" + h);
                int layerNo = n++;
                MessageDigest diff = MessageDigest.getInstance("SHA-256");
                try (InputStream raw = b != null ? new java.io.ByteArrayInputStream(b) : Files.newInputStream(layersDir.resolve(h));
                     DigestInputStream uncompressed = new DigestInputStream(new GZIPInputStream(raw), diff)) {
                    readTar(uncompressed, (e, body) -> {
                        entries.add(new Entry(layerNo, e.path(), e.type(), e.mode(), e.uid(), e.gid(), e.size(), e.mtime(), e.link()));
                        if (keep.test(e.path())) contents.put(e.path(), body.readAllBytes());
                    });
                    uncompressed.transferTo(java.io.OutputStream.nullOutputStream()); // the end-of-archive blocks count too
                }
                diffIds.add("sha256:" + HexFormat.of().formatHex(diff.digest()));
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            try (var files = Files.list(layersDir)) {
                for (Path f : files.toList()) Files.delete(f);
            }
            Files.delete(layersDir);
        }
    }

    /** The layer blobs' paths inside the tarball, for extraction. */
    List<String> layerBlobs() {
        List<String> out = new ArrayList<>();
        for (JsonNode layer : manifest.path("layers")) out.add("blobs/sha256/" + hex(layer.path("digest").asText()));
        return out;
    }

    private static String hex(String digest) {
        return digest.substring(digest.indexOf(':') + 1);
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    interface EntryHandler {
        void on(Entry entry, InputStream body) throws IOException;
    }

    /** Reads a ustar stream with pax ('x') and GNU long-name ('L', 'K') headers; names are made absolute. */
    static void readTar(InputStream in, EntryHandler handler) throws IOException {
        byte[] h = new byte[512];
        Map<String, String> pax = new HashMap<>();
        String longName = null, longLink = null;
        while (in.readNBytes(h, 0, 512) == 512) {
            if (allZero(h)) break;
            char type = h[156] == 0 ? '0' : (char) h[156];
            long size = octal(h, 124, 12);
            byte[] body = in.readNBytes((int) size);
            in.readNBytes((int) ((512 - size % 512) % 512)); // read, not skipped: a digest may be counting the bytes
            if (type == 'x') { pax.putAll(paxRecords(body)); continue; }
            if (type == 'g') continue;
            if (type == 'L') { longName = cString(body, 0, body.length); continue; }
            if (type == 'K') { longLink = cString(body, 0, body.length); continue; }
            String prefix = cString(h, 345, 155);
            String name = pax.getOrDefault("path", longName != null ? longName : (prefix.isEmpty() ? "" : prefix + "/") + cString(h, 0, 100));
            String link = pax.getOrDefault("linkpath", longLink != null ? longLink : cString(h, 157, 100));
            long mtime = pax.containsKey("mtime") ? (long) Double.parseDouble(pax.get("mtime")) : octal(h, 136, 12);
            name = "/" + name.replaceFirst("^\\./", "").replaceFirst("^/", "").replaceFirst("/$", "");
            Entry e = new Entry(-1, name, type, (int) octal(h, 100, 8), (int) octal(h, 108, 8), (int) octal(h, 116, 8), size, mtime, link);
            handler.on(e, new java.io.ByteArrayInputStream(body));
            pax.clear();
            longName = longLink = null;
        }
    }

    private static Map<String, String> paxRecords(byte[] body) {
        Map<String, String> out = new HashMap<>();
        int i = 0;
        while (i < body.length && body[i] != 0) { // "LEN key=value\n", LEN counting bytes
            int space = i;
            while (body[space] != ' ') space++;
            int len = Integer.parseInt(new String(body, i, space - i, StandardCharsets.US_ASCII));
            String rec = new String(body, space + 1, i + len - space - 2, StandardCharsets.UTF_8);
            int eq = rec.indexOf('=');
            out.put(rec.substring(0, eq), rec.substring(eq + 1));
            i += len;
        }
        return out;
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }

    private static long octal(byte[] b, int off, int len) {
        String s = cString(b, off, len).trim();
        return s.isEmpty() ? 0 : Long.parseLong(s, 8);
    }

    private static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) end++;
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }
}
