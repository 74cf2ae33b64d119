package org.membership.jdbi;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

final class SqliteQueryPlanTest extends QueryPlanContract {
    private static final Pattern FULL_SCAN = Pattern.compile("^SCAN (?!CONSTANT ROW).*");

    @TempDir
    Path directory;
    private JdbiStore store;

    @BeforeEach
    void open() {
        store = JdbiStore.sqlite(directory.resolve("membership.db"));
        populate(store);
        store.jdbi().useHandle(h -> h.execute("ANALYZE"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Override
    JdbiStore store() {
        return store;
    }

    @Override
    String dialectName() {
        return "sqlite";
    }

    @Override
    List<String> explain(String sql, Object... args) {
        return store.jdbi().withHandle(h -> {
            var query = h.createQuery("EXPLAIN QUERY PLAN " + sql);
            for (int i = 0; i < args.length; i++) {
                query.bind(i, args[i]);
            }
            return query.map((rs, ctx) -> rs.getString("detail")).list();
        });
    }

    @Override
    String badPlan(String sql, List<String> plan) {
        if (plan.stream().anyMatch(line -> FULL_SCAN.matcher(line).matches())) {
            return "a full scan";
        }
        if (plan.stream().anyMatch(line -> line.contains("(rowid"))) {
            return "a range of the whole table by row id, filtered";
        }
        if (sql.contains("LIMIT") && plan.stream().anyMatch(line -> line.contains("TEMP B-TREE"))) {
            return "a sort of every matching row";
        }
        if (plan.stream().noneMatch(line -> line.startsWith("SEARCH"))) {
            return "no index search";
        }
        return null;
    }

    @Override
    String notARange(List<String> plan, String index, String column) {
        boolean range = plan.stream().anyMatch(line -> line.startsWith("SEARCH ") && line.contains(" INDEX " + index + " (")
                && (line.contains(column + "<") || line.contains(column + ">")));
        return range ? null : "not a range of " + column + " in " + index;
    }
}
