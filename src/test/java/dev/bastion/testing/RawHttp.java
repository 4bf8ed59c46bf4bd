package dev.bastion.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Hand-written HTTP/1.1 over a socket, for requests a normal client refuses to send (smuggling, slowloris, huge headers). */
public final class RawHttp implements AutoCloseable {
    private final Socket socket;

    public RawHttp(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
    }

    public RawHttp write(String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    /** Reads until the server closes the connection or {@code timeoutMs} passes; returns what arrived. */
    public String readAll(int timeoutMs) throws IOException {
        socket.setSoTimeout(timeoutMs);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] b = new byte[8192];
        try {
            int n;
            while ((n = in.read(b)) >= 0) buf.write(b, 0, n);
        } catch (SocketTimeoutException e) {
            // return what we have
        } catch (IOException e) {
            // reset by peer counts as closed
        }
        return buf.toString(StandardCharsets.ISO_8859_1);
    }

    /** True when the server has closed the connection (read returns EOF) within the timeout. */
    public boolean closedWithin(int timeoutMs) throws IOException {
        socket.setSoTimeout(timeoutMs);
        try {
            InputStream in = socket.getInputStream();
            byte[] b = new byte[8192];
            while (true) {
                int n = in.read(b);
                if (n < 0) return true;
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
