// A Java 17 client of volunteer-core's HTTP service: the life of one micro-wish (微心愿), a service record
// and the year's evaluation, over plain HTTP/JSON with java.net.http and nothing else.
//
//   javac -d out examples/java/WishLifecycle.java
//   java -cp out WishLifecycle http://127.0.0.1:8000 vct_…        (an administer token)
//
// Steps (each must answer as expected, else the program stops with exit status 1):
//   1. GET /health
//   2. master data (administer): an organisation, a branch, two members, a beneficiary, an activity
//   3. a MATERIAL wish of 300.00 yuan: collect → screen → publish → two claims of 150.00 → fulfil
//   4. a service record (POST /v1/records with an Idempotency-Key, sent twice: the same record comes back)
//   5. GET /v1/evaluations/{year} of the organisation: a short summary
//   6. one refusal on purpose: a wish of 300.01 yuan is refused at screening, 422 wish.value_cap, read from
//      the RFC 9457 problem details (code, message_zh)
// The ids carry a suffix of this run, so the program may be run again against the same database.
//
// JSON is built by hand (obj / quote) and read by the small reader at the end of this file (Json.parse):
// an integrator would use their own JSON library instead.

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public final class WishLifecycle {

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final String base;
    private final String token;
    private final PrintStream out;

    private WishLifecycle(String base, String token, PrintStream out) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token;
        this.out = out;
    }

    public static void main(String[] args) {
        // Chinese messages print as UTF-8 whatever the platform's default encoding
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        if (args.length != 2) {
            System.err.println("usage: java WishLifecycle BASE_URL TOKEN   (e.g. http://127.0.0.1:8000 vct_…)");
            System.exit(2);
        }
        try {
            new WishLifecycle(args[0], args[1], out).run();
            out.println("OK: every step answered as expected");
        } catch (StepFailed failed) {
            System.err.println("FAILED: " + failed.getMessage());
            System.exit(1);
        } catch (Exception unexpected) {
            System.err.println("FAILED: " + unexpected);
            System.exit(1);
        }
    }

    private void run() throws Exception {
        String run = Long.toString(System.currentTimeMillis(), 36);
        LocalDate today = LocalDate.now();
        String collected = today.minusDays(9).toString();
        String screened = today.minusDays(8).toString();
        String published = today.minusDays(7).toString();
        String claimed = today.minusDays(6).toString();
        String fulfilled = today.minusDays(5).toString();
        LocalDate servedOn = today.minusDays(3);

        // 1. the service answers
        Map<String, Object> health = object(expect(get("/health"), 200, "GET /health"));
        out.println("health: " + health.get("status") + " (version " + health.get("version") + ")");

        // 2. master data (administer): POST /v1/{aggregate} takes one entity or a list → 201 {"added": n}
        String org = "org-" + run, branch = "br-" + run, m1 = "m1-" + run, m2 = "m2-" + run;
        String beneficiary = "ben-" + run, activity = "act-" + run;
        int added = 0;
        added += added(post("/v1/organisations", obj("id", org, "name", "机关工委", "kind", "work_committee")));
        added += added(post("/v1/branches", obj("id", branch, "name", "第一支部", "organisation_id", org)));
        added += added(post("/v1/members", "["
                + obj("id", m1, "name", "张三", "branch_id", branch, "joined_on", "2020-01-01") + ","
                + obj("id", m2, "name", "李四", "branch_id", branch, "joined_on", "2020-01-01") + "]"));
        added += added(post("/v1/beneficiaries",
                obj("id", beneficiary, "name", "王五", "category", "elderly", "community", "凤山社区")));
        added += added(post("/v1/activities", obj("id", activity, "kind", "community_service",
                "branch_id", branch, "on", servedOn.toString(), "title", "社区清扫")));
        out.println("master data: " + added + " entities added");

        // 3. a 300-yuan material wish from collection to fulfilment
        String wish = "wish-" + run;
        Map<String, Object> w = object(expect(post("/v1/wishes", obj("id", wish, "beneficiary_id", beneficiary,
                "kind", "material", "content", "电饭煲一个", "collected_on", collected, "value", "300.00")),
                201, "collect the wish"));
        List<String> steps = new ArrayList<>(List.of(str(w, "status")));
        w = object(expect(post("/v1/wishes/" + wish + "/screen", obj("approved", true, "on", screened)), 200, "screen"));
        steps.add(str(w, "status"));
        w = object(expect(post("/v1/wishes/" + wish + "/publish", obj("on", published)), 200, "publish"));
        steps.add(str(w, "status"));
        for (String member : List.of(m1, m2)) {
            w = object(expectOk(post("/v1/wishes/" + wish + "/claims",
                    obj("member_id", member, "on", claimed, "pledged", "150.00")), "claim by " + member));
        }
        steps.add(str(w, "status"));
        BigDecimal pledged = BigDecimal.ZERO;
        for (Object claim : list(w.get("claims"))) {
            pledged = pledged.add(new BigDecimal(str(object(claim), "pledged")));
        }
        w = object(expect(post("/v1/wishes/" + wish + "/fulfil", obj("on", fulfilled)), 200, "fulfil"));
        steps.add(str(w, "status"));
        check("fulfilled".equals(str(w, "status")), "the wish is fulfilled: " + w);
        out.println("wish: " + String.join(" → ", steps) + ", pledged " + pledged.toPlainString()
                + " of " + str(w, "value") + " yuan");

        // 4. a service record; the same Idempotency-Key returns the same record
        String record = obj("member_id", m1, "activity_id", activity, "minutes", 120, "on", servedOn.toString());
        String key = "record-" + run;
        Map<String, Object> first = object(expect(post("/v1/records", record, "Idempotency-Key", key), 201, "record"));
        Map<String, Object> again = object(expect(post("/v1/records", record, "Idempotency-Key", key), 201,
                "record again with the same Idempotency-Key"));
        check(str(first, "id").equals(str(again, "id")), "the same key returned another record: " + again);
        out.println("record: " + first.get("minutes") + " minutes, " + str(first, "status")
                + ", replayed with the same Idempotency-Key → the same record");

        // 5. the year's evaluation of the organisation
        int year = servedOn.getYear();
        Map<String, Object> report = object(expect(get("/v1/evaluations/" + year + "?organisation_id="
                + URLEncoder.encode(org, StandardCharsets.UTF_8)), 200, "evaluate the year"));
        List<Object> members = list(report.get("members"));
        long compliant = members.stream().filter(m -> Boolean.TRUE.equals(object(m).get("compliant"))).count();
        BigDecimal minutes = BigDecimal.ZERO;
        for (Object m : members) {
            minutes = minutes.add((BigDecimal) object(m).get("net_minutes"));
        }
        check(members.size() == 2, "two members evaluated: " + members.size());
        out.println("evaluation " + year + ": " + members.size() + " members, " + compliant + " compliant, "
                + minutes + " net minutes, " + list(report.get("violations")).size() + " violations");

        // 6. a refusal, read from the problem details (application/problem+json)
        String tooDear = "wish-dear-" + run;
        expect(post("/v1/wishes", obj("id", tooDear, "beneficiary_id", beneficiary, "kind", "material",
                "content", "电视机", "collected_on", collected, "value", "300.01")), 201, "collect a 300.01 wish");
        HttpResponse<String> refused = post("/v1/wishes/" + tooDear + "/screen", obj("approved", true, "on", screened));
        Map<String, Object> problem = object(expect(refused, 422, "screening a 300.01 wish is refused"));
        check(refused.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                "a problem is application/problem+json");
        check("wish.value_cap".equals(problem.get("code")), "the code is wish.value_cap: " + problem);
        out.println("problem: " + refused.statusCode() + " " + problem.get("code") + " " + problem.get("message_zh"));
    }

    // -- HTTP --------------------------------------------------------------------------------------------

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    private HttpResponse<String> post(String path, String json, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        request.header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(60));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** The response's JSON when its status is {@code status}; else the step fails, showing the problem. */
    private static Object expect(HttpResponse<String> response, int status, String step) {
        if (response.statusCode() != status) {
            throw new StepFailed(step + ": expected " + status + ", got " + response.statusCode() + " "
                    + response.body());
        }
        return Json.parse(response.body());
    }

    /** The response's JSON when its status is 200 or 201. */
    private static Object expectOk(HttpResponse<String> response, String step) {
        return expect(response, response.statusCode() == 201 ? 201 : 200, step);
    }

    private static int added(HttpResponse<String> response) {
        return ((BigDecimal) object(expect(response, 201, "POST " + response.uri().getPath())).get("added")).intValue();
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new StepFailed(what);
        }
    }

    static final class StepFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StepFailed(String message) {
            super(message);
        }
    }

    // -- JSON out: an object from key/value pairs ---------------------------------------------------------

    /** {@code obj("id", "w1", "minutes", 120, "approved", true)} → {@code {"id":"w1","minutes":120,"approved":true}}. */
    static String obj(Object... pairs) {
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < pairs.length; i += 2) {
            if (i > 0) {
                json.append(',');
            }
            json.append(quote((String) pairs[i])).append(':');
            Object value = pairs[i + 1];
            json.append(value == null ? "null"
                    : value instanceof Number || value instanceof Boolean ? value.toString()
                    : quote(value.toString()));
        }
        return json.append('}').toString();
    }

    static String quote(String text) {
        StringBuilder json = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"').toString();
    }

    // -- JSON in: objects → Map, arrays → List, numbers → BigDecimal ------------------------------------

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        return (List<Object>) value;
    }

    static String str(Map<String, Object> object, String key) {
        return (String) object.get(key);
    }

    /** A small JSON reader (RFC 8259), enough for the service's answers. */
    static final class Json {
        private final String text;
        private int at;

        private Json(String text) {
            this.text = text;
        }

        static Object parse(String text) {
            Json reader = new Json(text);
            Object value = reader.value();
            reader.space();
            if (reader.at != text.length()) {
                throw reader.error("trailing characters");
            }
            return value;
        }

        private Object value() {
            space();
            if (at >= text.length()) {
                throw error("unexpected end");
            }
            char c = text.charAt(at);
            switch (c) {
                case '{': {
                    Map<String, Object> map = new LinkedHashMap<>();
                    at++;
                    space();
                    if (peek('}')) {
                        return map;
                    }
                    do {
                        space();
                        String key = string();
                        space();
                        take(':');
                        map.put(key, value());
                        space();
                    } while (peek(','));
                    take('}');
                    return map;
                }
                case '[': {
                    List<Object> items = new ArrayList<>();
                    at++;
                    space();
                    if (peek(']')) {
                        return items;
                    }
                    do {
                        items.add(value());
                        space();
                    } while (peek(','));
                    take(']');
                    return items;
                }
                case '"':
                    return string();
                default:
                    if (text.startsWith("true", at)) {
                        at += 4;
                        return Boolean.TRUE;
                    }
                    if (text.startsWith("false", at)) {
                        at += 5;
                        return Boolean.FALSE;
                    }
                    if (text.startsWith("null", at)) {
                        at += 4;
                        return null;
                    }
                    int start = at;
                    while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
                        at++;
                    }
                    if (start == at) {
                        throw error("unexpected character '" + c + "'");
                    }
                    return new BigDecimal(text.substring(start, at));
            }
        }

        private String string() {
            take('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                if (at >= text.length()) {
                    throw error("unterminated string");
                }
                char c = text.charAt(at++);
                if (c == '"') {
                    return out.toString();
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char escape = text.charAt(at++);
                switch (escape) {
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                        at += 4;
                    }
                    default -> out.append(escape); // \" \\ \/
                }
            }
        }

        private void space() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }

        private boolean peek(char c) {
            if (at < text.length() && text.charAt(at) == c) {
                at++;
                return true;
            }
            return false;
        }

        private void take(char c) {
            if (!peek(c)) {
                throw error("expected '" + c + "'");
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("JSON: " + what + " at offset " + at);
        }
    }
}
