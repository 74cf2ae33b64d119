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
 * only on the api, and persistence modules never on each other. Checks both the build files and
 * the imports of the main sources, so neither a pom edit nor a stray import slips through.
 */
final class ModuleBoundariesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Set<String> PERSISTENCE = Set.of("membership-inmemory", "membership-jdbi");

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
