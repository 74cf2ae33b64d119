package org.membership.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Fails when a module gains a dependency it must not have: the api depends on nothing, the core
 * only on the api, and persistence modules never on each other; Spring (and Micrometer) stay in the
 * Spring Boot modules, which no other module depends on, so that no other module's dependency tree
 * contains them. Checks both the build files and the imports of the main sources, so neither a pom
 * edit nor a stray import slips through.
 */
final class ModuleBoundariesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Set<String> PERSISTENCE = Set.of("membership-inmemory", "membership-jdbi");
    /** The modules where Spring may appear: the starter, its auto-configuration, and the Spring Boot example. */
    private static final Set<String> SPRING = Set.of("membership-spring-boot-autoconfigure",
            "membership-spring-boot-starter", "membership-examples-spring-boot");

    // ---- build files ---------------------------------------------------------------------

    @Test
    void api_hasNoRuntimeDependencies() throws Exception {
        assertEquals(List.of(), runtimeDependencies("membership-api"));
    }

    @Test
    void core_dependsOnlyOnApi() throws Exception {
        assertEquals(List.of("org.membership:membership-api"), runtimeDependencies("membership-core"));
    }

    @Test
    void persistenceModules_neverDependOnEachOther() throws Exception {
        for (String module : PERSISTENCE) {
            if (!Files.exists(ROOT.resolve(module).resolve("pom.xml"))) {
                continue;
            }
            for (String dependency : allDependencies(module)) {
                for (String other : PERSISTENCE) {
                    assertTrue(!dependency.equals("org.membership:" + other),
                            module + " must not depend on " + other);
                }
            }
        }
    }

    @Test
    void spring_appearsOnlyInTheSpringBootModules_andNoOtherModuleDependsOnThem() throws Exception {
        for (String module : modules()) {
            if (SPRING.contains(module)) {
                continue;
            }
            for (String dependency : allDependencies(module)) {
                assertTrue(!dependency.startsWith("org.springframework") && !dependency.startsWith("io.micrometer"),
                        module + " must not depend on " + dependency);
                for (String spring : SPRING) {
                    assertTrue(!dependency.equals("org.membership:" + spring), module + " must not depend on " + spring);
                }
            }
            assertTrue(!Files.readString(ROOT.resolve(module).resolve("pom.xml")).contains("spring-boot-dependencies"),
                    module + " must not import Spring Boot's BOM");
        }
        assertTrue(!Files.readString(ROOT.resolve("pom.xml")).contains("spring-boot-dependencies"),
                "the parent must not import Spring Boot's BOM: every module would inherit its versions");
    }

    @Test
    void publishedModules_shipNoLoggingBinding() throws Exception {
        Set<String> bindings = Set.of("org.slf4j:slf4j-nop", "org.slf4j:slf4j-simple", "org.slf4j:slf4j-jdk14",
                "org.slf4j:slf4j-reload4j", "ch.qos.logback:logback-classic", "org.apache.logging.log4j:log4j-slf4j2-impl",
                "org.springframework.boot:spring-boot-starter", "org.springframework.boot:spring-boot-starter-logging");
        for (String module : modules()) {
            if (Files.readString(ROOT.resolve(module).resolve("pom.xml")).contains("<maven.install.skip>true<")) {
                continue; // examples and benchmarks are applications: they bind SLF4J as they like
            }
            for (String dependency : runtimeDependencies(module)) {
                assertTrue(!bindings.contains(dependency), module + " must not ship a logging binding: " + dependency);
            }
        }
    }

    @Test
    void autoconfigure_needsOnlyTheCore_andTakesEachStoreAsOptional() throws Exception {
        String module = "membership-spring-boot-autoconfigure";
        List<String> required = new ArrayList<>();
        for (String dependency : runtimeDependencies(module)) {
            if (dependency.startsWith("org.membership:") && !optional(module, dependency)) {
                required.add(dependency);
            }
        }
        assertEquals(List.of("org.membership:membership-core"), required);
        for (String store : PERSISTENCE) {
            assertTrue(optional(module, "org.membership:" + store), module + " must take " + store + " as optional");
        }
    }

    @Test
    void starter_bringsTheAutoConfigurationAndBothStores() throws Exception {
        List<String> dependencies = runtimeDependencies("membership-spring-boot-starter");
        for (String needed : List.of("org.membership:membership-spring-boot-autoconfigure",
                "org.membership:membership-inmemory", "org.membership:membership-jdbi")) {
            assertTrue(dependencies.contains(needed), "the starter must bring " + needed);
        }
    }

    @Test
    void autoconfigureSources_importOnlyTheLibrarySpringMicrometerAndSlf4j() throws IOException {
        assertEquals(Set.of(), foreignImports("membership-spring-boot-autoconfigure", "org.membership.api",
                "org.membership.core", "org.membership.inmemory", "org.membership.jdbi",
                "org.membership.spring.autoconfigure", "org.springframework", "io.micrometer", "org.slf4j"));
    }

    @Test
    void nonSpringSources_importNoSpringAndNoMicrometer() throws Exception {
        for (String module : modules()) {
            if (SPRING.contains(module) || !Files.isDirectory(ROOT.resolve(module).resolve("src/main/java"))) {
                continue;
            }
            Set<String> spring = new TreeSet<>();
            for (String imported : foreignImports(module)) {
                if (imported.contains(": org.springframework") || imported.contains(": io.micrometer")) {
                    spring.add(imported);
                }
            }
            assertEquals(Set.of(), spring, module);
        }
    }

    /** @return the modules the parent lists */
    private static List<String> modules() throws Exception {
        var pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(ROOT.resolve("pom.xml").toFile());
        NodeList modules = pom.getDocumentElement().getElementsByTagName("module");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < modules.getLength(); i++) {
            out.add(modules.item(i).getTextContent().trim());
        }
        return out;
    }

    private static boolean optional(String module, String dependency) throws Exception {
        var pom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(ROOT.resolve(module).resolve("pom.xml").toFile());
        NodeList dependencies = pom.getDocumentElement().getElementsByTagName("dependency");
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element element = (Element) dependencies.item(i);
            if (element.getParentNode().getParentNode() == pom.getDocumentElement()
                    && dependency.equals(text(element, "groupId") + ":" + text(element, "artifactId"))) {
                return "true".equals(text(element, "optional"));
            }
        }
        return false;
    }

    @Test
    void kitSelfTests_runTheKitOnTheInMemoryStore_andNeedNothingElse() throws Exception {
        assertEquals(List.of("org.membership:membership-tck", "org.membership:membership-inmemory",
                "org.junit.jupiter:junit-jupiter", "org.junit.platform:junit-platform-launcher",
                "org.quicktheories:quicktheories"), allDependencies("membership-tck-selftest"));
        assertEquals(List.of(), runtimeDependencies("membership-tck-selftest"), "tests only");
    }

    // ---- sources -------------------------------------------------------------------------

    @Test
    void apiSources_importOnlyTheJdkAndTheApi() throws IOException {
        assertEquals(Set.of(), foreignImports("membership-api", "org.membership.api"));
    }

    @Test
    void coreSources_importOnlyTheJdkTheApiAndTheCore() throws IOException {
        assertEquals(Set.of(), foreignImports("membership-core", "org.membership.api", "org.membership.core"));
    }

    private static Set<String> foreignImports(String module, String... allowed) throws IOException {
        Pattern importLine = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)", Pattern.MULTILINE);
        Set<String> foreign = new TreeSet<>();
        Path sources = ROOT.resolve(module).resolve("src/main/java");
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = importLine.matcher(Files.readString(file));
                while (m.find()) {
                    String imported = m.group(1);
                    boolean ok = imported.startsWith("java.") || imported.startsWith("javax.");
                    for (String prefix : allowed) {
                        ok |= imported.startsWith(prefix + ".");
                    }
                    if (!ok) {
                        foreign.add(sources.relativize(file) + ": " + imported);
                    }
                }
            }
        }
        assertTrue(Files.isDirectory(sources), "no sources found under " + sources);
        return foreign;
    }

    private static List<String> runtimeDependencies(String module) throws Exception {
        return dependencies(module, false);
    }

    private static List<String> allDependencies(String module) throws Exception {
        return dependencies(module, true);
    }

    private static List<String> dependencies(String module, boolean includeTestScope) throws Exception {
        var factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(false);
        var pom = factory.newDocumentBuilder().parse(ROOT.resolve(module).resolve("pom.xml").toFile());
        NodeList dependencies = pom.getDocumentElement().getElementsByTagName("dependency");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            if (dependency.getParentNode().getParentNode() != pom.getDocumentElement()) {
                continue; // managed or plugin dependencies
            }
            String scope = text(dependency, "scope");
            if (!includeTestScope && "test".equals(scope)) {
                continue;
            }
            out.add(text(dependency, "groupId") + ":" + text(dependency, "artifactId"));
        }
        return out;
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().trim();
    }
}
