package org.homocloud.server.web;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.Constants;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies larger than a configured limit with 413 and an OperationOutcome.
 *
 * <p>HAPI reads the whole body into memory before parsing it, so an unbounded body is a memory attack.
 * A declared {@code Content-Length} is checked before anything is read; a chunked body is read up to one
 * byte past the limit and, if it fits, handed on from memory. Operations that stream their body themselves and
 * bound it by their own checks ({@code $upload-key-set}: evaluation keys reach gigabytes) pass unlimited.
 */
public class RequestSizeLimitFilter extends OncePerRequestFilter {

    private final long maxBytes;
    private final FhirContext fhirContext;
    private final Set<String> streamingOperations;

    public RequestSizeLimitFilter(long maxBytes, FhirContext fhirContext) {
        this(maxBytes, fhirContext, Set.of());
    }

    /** {@code streamingOperations}: names of server-level operations ({@code $upload-key-set}) exempt from the limit. */
    public RequestSizeLimitFilter(long maxBytes, FhirContext fhirContext, Set<String> streamingOperations) {
        this.maxBytes = maxBytes;
        this.fhirContext = fhirContext;
        this.streamingOperations = Set.copyOf(streamingOperations);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (isStreamingOperation(request)) {
            chain.doFilter(request, response);
            return;
        }
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            refuse(response, declared + " bytes declared");
            return;
        }
        if (declared >= 0 || !hasBody(request)) {
            chain.doFilter(request, response);
            return;
        }
        byte[] body = request.getInputStream().readNBytes(Math.toIntExact(Math.min(maxBytes + 1, Integer.MAX_VALUE)));
        if (body.length > maxBytes) {
            refuse(response, "more than " + maxBytes + " bytes sent");
            return;
        }
        chain.doFilter(new BufferedBodyRequest(request, body), response);
    }

    private boolean isStreamingOperation(HttpServletRequest request) {
        String path = request.getRequestURI();
        int slash = path.lastIndexOf('/');
        return slash >= 0 && streamingOperations.contains(path.substring(slash + 1));
    }

    private static boolean hasBody(HttpServletRequest request) {
        String method = request.getMethod();
        return "POST".equals(method) || "PUT".equals(method) || "PATCH".equals(method);
    }

    private void refuse(HttpServletResponse response, String what) throws IOException {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue()
                .setSeverity(OperationOutcome.IssueSeverity.ERROR)
                .setCode(OperationOutcome.IssueType.TOOLONG)
                .setDiagnostics("Request body too large: " + what + ", limit is " + maxBytes
                        + " bytes (homocloud.server.max-request-bytes)");
        byte[] encoded = fhirContext.newJsonParser().encodeResourceToString(outcome).getBytes(StandardCharsets.UTF_8);
        response.setStatus(413);
        response.setContentType(Constants.CT_FHIR_JSON_NEW + ";charset=UTF-8");
        response.setContentLength(encoded.length);
        // Tell the client not to reuse a connection whose unread body Tomcat would have to swallow.
        response.setHeader("Connection", "close");
        response.getOutputStream().write(encoded);
    }

    /** A request whose body has already been read into memory. */
    private static final class BufferedBodyRequest extends HttpServletRequestWrapper {
        private final byte[] body;

        BufferedBodyRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() throws IOException {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("asynchronous reads are not used by HAPI");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            String encoding = getCharacterEncoding() == null ? "UTF-8" : getCharacterEncoding();
            return new BufferedReader(new InputStreamReader(getInputStream(), Charset.forName(encoding)));
        }
    }
}
