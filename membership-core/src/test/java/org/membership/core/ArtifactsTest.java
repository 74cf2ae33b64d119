package org.membership.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Fails when the build stops producing what publishing needs: a BOM that lists every published
 * artifact (and nothing of the parent's own dependency management), a module name for every jar,
 * the JDBC drivers and the pool left to the host, and every plugin's version pinned in the
 * parent's plugin management.
 */
final class ArtifactsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern MODULE_NAME = Pattern.compile("[a-z][a-z0-9]*(\\.[a-z][a-z0-9]*)*");

    @Test
    void bom_managesEveryPublishedModule_atTheProjectsVersion() throws Exception {
        Set<String> published = new TreeSet<>();
        for (String module : modules()) {
            Document pom = pom(module);
            if (!module.equals("membership-bom") && !"true".equals(property(pom, "maven.install.skip"))) {
                published.add("org.membership:" + module);
            }
        }
        Set<String> managed = new TreeSet<>();
        Document bom = pom("membership-bom");
        for (Element dependency : children(bom.getDocumentElement(), "dependencyManagement", "dependencies", "dependency")) {
            managed.add(text(dependency, "groupId") + ":" + text(dependency, "artifactId"));
            assertEquals("${project.version}", text(dependency, "version"));
        }
        assertEquals(published, managed);
    }

    @Test
    void bom_hasNoParent_soItsImportersGetNothingButTheLibrarysArtifacts() throws Exception {
        Document bom = pom("membership-bom");
        assertTrue(children(bom.getDocumentElement(), "parent").isEmpty());
        assertEquals(text(pom(".").getDocumentElement(), "version"), text(bom.getDocumentElement(), "version"));
    }

    @Test
    void everyPlugin_hasItsVersionInTheParentsPluginManagement() throws Exception {
        Map<String, String> pinned = new HashMap<>();
        for (Element plugin : children(pom(".").getDocumentElement(), "build", "pluginManagement", "plugins", "plugin")) {
            pinned.put(key(plugin), text(plugin, "version"));
        }
        List<String> unpinned = new ArrayList<>();
        for (String module : modules()) {
            Document pom = pom(module);
            for (Element plugin : children(pom.getDocumentElement(), "build", "plugins", "plugin")) {
                if (!pinned.containsKey(key(plugin))) {
                    unpinned.add(module + ": " + key(plugin));
                }
            }
            for (Element plugin : children(pom.getDocumentElement(), "build", "pluginManagement", "plugins", "plugin")) {
                assertEquals(pinned.get(key(plugin)), text(plugin, "version"), module + " pins " + key(plugin)
                        + " at another version than the parent");
            }
        }
        for (Element plugin : children(pom(".").getDocumentElement(), "build", "plugins", "plugin")) {
            if (!pinned.containsKey(key(plugin))) {
                unpinned.add("parent: " + key(plugin));
            }
        }
        assertEquals(List.of(), unpinned);
    }

    @Test
    void everyJar_hasAModuleNameOfItsOwn() throws Exception {
        Map<String, String> names = new TreeMap<>();
        for (String module : modules()) {
            Document pom = pom(module);
            String packaging = text(pom.getDocumentElement(), "packaging");
            if (packaging != null && !packaging.equals("jar")) {
                continue;
            }
            String name = property(pom, "automatic.module.name");
            assertTrue(name != null && MODULE_NAME.matcher(name).matches(), module + " needs a valid automatic.module.name");
            String other = names.put(name, module);
            assertTrue(other == null, module + " and " + other + " share the module name " + name);
        }
        assertTrue(names.size() >= 7, "found only " + names);
    }

    @Test
    void jdbi_leavesTheDriversAndThePoolToTheHost() throws Exception {
        Set<String> optional = new TreeSet<>();
        for (Element dependency : children(pom("membership-jdbi").getDocumentElement(), "dependencies", "dependency")) {
            if ("true".equals(text(dependency, "optional"))) {
                optional.add(text(dependency, "groupId") + ":" + text(dependency, "artifactId"));
            }
        }
        assertEquals(Set.of("com.zaxxer:HikariCP", "org.xerial:sqlite-jdbc", "org.postgresql:postgresql"), optional);
    }

    @Test
    void tck_keepsItsTestLibrariesVersionedByThePropertiesAHostCanAlign() throws Exception {
        Document parent = pom(".");
        for (String property : List.of("junit.version", "quicktheories.version")) {
            assertTrue(property(parent, property) != null, "the parent names " + property);
        }
        Set<String> compile = new TreeSet<>();
        for (Element dependency : children(pom("membership-tck").getDocumentElement(), "dependencies", "dependency")) {
            if (text(dependency, "scope") == null && text(dependency, "version") == null) {
                compile.add(text(dependency, "groupId") + ":" + text(dependency, "artifactId"));
            }
        }
        assertEquals(Set.of("org.membership:membership-core", "org.junit.jupiter:junit-jupiter-api",
                "org.quicktheories:quicktheories"), compile, "the kit's libraries, versioned by the parent only");
    }

    // ---- reading the build files -----------------------------------------------------------

    private static List<String> modules() throws Exception {
        List<String> out = new ArrayList<>();
        for (Element module : children(pom(".").getDocumentElement(), "modules", "module")) {
            out.add(module.getTextContent().trim());
        }
        assertTrue(out.contains("membership-bom"));
        return out;
    }

    private static Document pom(String module) throws Exception {
        Path file = ROOT.resolve(module).resolve("pom.xml");
        assertTrue(Files.exists(file), "no " + file);
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
    }

    private static String key(Element plugin) {
        String group = text(plugin, "groupId");
        return (group == null ? "org.apache.maven.plugins" : group) + ":" + text(plugin, "artifactId");
    }

    private static String property(Document pom, String name) {
        List<Element> found = children(pom.getDocumentElement(), "properties", name);
        return found.isEmpty() ? null : found.get(0).getTextContent().trim();
    }

    /** @return the elements at that path of direct children */
    private static List<Element> children(Element from, String... path) {
        List<Element> level = List.of(from);
        for (String name : path) {
            List<Element> next = new ArrayList<>();
            for (Element element : level) {
                NodeList nodes = element.getChildNodes();
                for (int i = 0; i < nodes.getLength(); i++) {
                    Node node = nodes.item(i);
                    if (node instanceof Element child && child.getTagName().equals(name)) {
                        next.add(child);
                    }
                }
            }
            level = next;
        }
        return level;
    }

    private static String text(Element parent, String tag) {
        List<Element> found = children(parent, tag);
        return found.isEmpty() ? null : found.get(0).getTextContent().trim();
    }
}
