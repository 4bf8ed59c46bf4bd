import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The MCP server of bench/mcp.sh: answers every POST with a 2026-07-28 tools/call result (a 1.2 KB text) carrying the
 * request's id, as application/json — and a tools/list with its one tool, {@code lookup}, which the MCP route reads to
 * pin the tool's definition (and again when its copy is older than {@code pinning.max_age}). Nothing else checked: it
 * is the same server behind both routes the bench compares.
 *
 *   java bench/tools/McpEcho.java PORT
 */
public final class McpEcho {
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\"[^\"]*\"|-?\\d+)");

    public static void main(String[] args) throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 10; i++) text.append("Report ").append(i).append(": EMEA revenue grew 4.2% year on year, driven by enterprise renewals and services; ");
        String list = ",\"result\":{\"tools\":[{\"name\":\"lookup\",\"description\":\"Searches the finance reports.\","
                + "\"inputSchema\":{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\"}}}}],\"resultType\":\"complete\"}}";
        String tail = ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"" + text + "\"}],\"resultType\":\"complete\"}}";
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0])), 256);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = ID.matcher(body);
            String result = body.contains("\"tools/list\"") ? list : tail;
            byte[] out = ("{\"jsonrpc\":\"2.0\",\"id\":" + (m.find() ? m.group(1) : "null") + result).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        server.start();
    }
}
