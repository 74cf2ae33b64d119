package org.membership.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every Java block of the README compiles as pasted: a block that is a compilation unit (it has
 * imports or declares a class) on its own, a fragment inside a method of a class that imports the
 * library's packages and declares the few host-side names fragments use ({@code membership},
 * {@code keys}, {@code access}). Complete programs and fragments are then run; the first block must
 * be a complete program that populates its own store. Every {@code membership.*} property the README
 * shows is one the starter's metadata declares.
 *
 * <p>Not thread-safe itself; JUnit runs one test per instance.
 */
final class ReadmeExamplesTest {
    private static final Path README = Path.of("..").toAbsolutePath().normalize().resolve("README.md");
    private static final Pattern JAVA = Pattern.compile("^```java\\n(.*?)^```$", Pattern.MULTILINE | Pattern.DOTALL);
    private static final Pattern PROPERTIES = Pattern.compile("^```properties\\n(.*?)^```$",
            Pattern.MULTILINE | Pattern.DOTALL);
    private static final Pattern PUBLIC_CLASS = Pattern.compile("^public\\s+(?:final\\s+)?class\\s+(\\w+)", Pattern.MULTILINE);
    private static final String FRAGMENT_PREAMBLE = """
            import java.nio.file.*;
            import java.time.*;
            import java.util.*;
            import org.membership.api.*;
            import org.membership.core.*;
            import org.membership.inmemory.*;
            import org.membership.jdbi.*;
            import org.membership.tck.*;

            """;

    private static List<Snippet> snippets;
    private static Path compiled;

    /** One Java block: where it starts in the README, its source file, and whether it is a fragment. */
    private record Snippet(int line, String className, String source, boolean fragment) {}

    @TempDir
    static Path directory;

    @BeforeAll
    static void compileEverySnippet() throws IOException {
        String readme = Files.readString(README);
        snippets = new ArrayList<>();
        Matcher blocks = JAVA.matcher(readme);
        while (blocks.find()) {
            int line = readme.substring(0, blocks.start()).split("\n", -1).length;
            String code = blocks.group(1);
            boolean unit = code.lines().anyMatch(l -> l.startsWith("import ") || l.matches("^(public |final |@\\w+.*)*class .*"));
            if (unit) {
                Matcher named = PUBLIC_CLASS.matcher(code);
                String name = named.find() ? named.group(1) : "ReadmeLine" + line;
                snippets.add(new Snippet(line, name, code, false));
            } else {
                String name = "ReadmeLine" + line;
                snippets.add(new Snippet(line, name, FRAGMENT_PREAMBLE + "final class " + name + " {\n"
                        + "    interface Keys { void revokeFor(MembershipEvent event); }\n"
                        + "    interface Access { void invalidate(MembershipEvent event); }\n"
                        + "    final Membership membership = MembershipEngine.builder(new InMemoryStore()).build();\n"
                        + "    final Keys keys = event -> { };\n"
                        + "    final Access access = event -> { };\n"
                        + "    void run() throws Exception {\n" + code + "\n    }\n}\n", true));
            }
        }
        assertThat(snippets).as("Java blocks in the README").hasSizeGreaterThanOrEqualTo(4);

        compiled = directory.resolve("classes");
        Path sources = directory.resolve("sources");
        Files.createDirectories(compiled);
        Files.createDirectories(sources);
        List<File> files = new ArrayList<>();
        for (Snippet snippet : snippets) {
            Path file = sources.resolve(snippet.className() + ".java");
            Files.writeString(file, snippet.source());
            files.add(file.toFile());
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager manager = compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            boolean ok = compiler.getTask(null, manager, diagnostics,
                    List.of("-d", compiled.toString(), "-classpath", classPath(), "--release", "17", "-proc:none"),
                    null, manager.getJavaFileObjectsFromFiles(files)).call();
            List<String> errors = new ArrayList<>();
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                if (d.getKind() == Diagnostic.Kind.ERROR) {
                    errors.add(d.getSource().getName() + ":" + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT));
                }
            }
            assertThat(errors).as("README snippets that do not compile as pasted").isEmpty();
            assertThat(ok).isTrue();
        }
    }

    private static String classPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    @Test
    void theFirstExample_isACompleteProgram_thatRunsOnAStoreItPopulates() throws Exception {
        Snippet first = snippets.get(0);
        assertThat(first.fragment()).as("the first example must be complete, imports and all").isFalse();
        String out = run(first);
        assertThat(out).contains("removed: WorkspaceMember[").contains("after commit: WorkspaceMemberRemoved[")
                .contains("again: member_not_found");
    }

    @Test
    void everyFragment_runs() throws Exception {
        int ran = 0;
        for (Snippet snippet : snippets) {
            if (snippet.fragment()) {
                run(snippet);
                ran++;
            }
        }
        assertThat(ran).as("the change feed's and the fixture's fragments").isGreaterThanOrEqualTo(2);
    }

    @Test
    void everyCompilationUnit_compiles_andTheSpringOneDeclaresItsBeans() throws Exception {
        Set<String> classes = new TreeSet<>();
        try (var files = Files.walk(compiled)) {
            files.filter(f -> f.toString().endsWith(".class")).forEach(f -> classes.add(compiled.relativize(f).toString()));
        }
        assertThat(classes).contains("Example.class", "Projects.class", "Consumers.class");
    }

    @Test
    void everyPropertyShown_isOneTheStarterDeclares() throws Exception {
        Set<String> declared = new TreeSet<>();
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            JsonNode metadata = JsonMapper.builder().build().readTree(in);
            for (JsonNode property : metadata.get("properties")) {
                declared.add(property.get("name").asString());
            }
        }
        Matcher blocks = PROPERTIES.matcher(Files.readString(README));
        List<String> shown = new ArrayList<>();
        while (blocks.find()) {
            blocks.group(1).lines().filter(l -> l.startsWith("membership.")).map(l -> l.substring(0, l.indexOf('=')))
                    .forEach(shown::add);
        }
        assertThat(shown).isNotEmpty();
        for (String property : shown) {
            String name = property.startsWith("membership.rules.required-authority.")
                    ? "membership.rules.required-authority" : property;
            assertThat(declared).as(property).contains(name);
        }
    }

    /** Runs a snippet: {@code main} of a program, {@code run()} of a fragment. @return what it printed */
    private static String run(Snippet snippet) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {compiled.toUri().toURL()},
                ReadmeExamplesTest.class.getClassLoader())) {
            Class<?> type = loader.loadClass(snippet.className());
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            if (snippet.fragment()) {
                var constructor = type.getDeclaredConstructor();
                constructor.setAccessible(true);
                Method method = type.getDeclaredMethod("run");
                method.setAccessible(true);
                method.invoke(constructor.newInstance());
            } else {
                Method main = type.getMethod("main", String[].class);
                assertThat(Modifier.isStatic(main.getModifiers())).isTrue();
                main.invoke(null, (Object) new String[0]);
            }
        } finally {
            System.setOut(original);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }
}
