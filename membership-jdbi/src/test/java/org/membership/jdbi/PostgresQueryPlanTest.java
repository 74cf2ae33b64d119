package org.membership.jdbi;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

final class PostgresQueryPlanTest extends QueryPlanContract {
    private PostgresDatabase database;
    private JdbiStore store;

    @BeforeEach
    void open() {
        database = PostgresDatabase.require();
        store = JdbiStore.postgresql(database.freshSchema());
        populate(store);
        store.jdbi().useHandle(h -> h.execute("ANALYZE"));
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Override
    JdbiStore store() {
        return store;
    }

    @Override
    String dialectName() {
        return "postgresql";
    }

    @Override
    List<String> explain(String sql, Object... args) {
        return store.jdbi().inTransaction(h -> {
            // Small tables make a sequential scan cheapest; this asks whether an index can serve the statement.
            h.execute("SET LOCAL enable_seqscan = off");
            var query = h.createQuery("EXPLAIN " + sql);
            for (int i = 0; i < args.length; i++) {
                query.bind(i, args[i]);
            }
            return query.mapTo(String.class).list();
        });
    }

    @Override
    String badPlan(String sql, List<String> plan) {
        if (plan.stream().anyMatch(line -> line.contains("Seq Scan"))) {
            return "a sequential scan";
        }
        if (sql.contains("LIMIT") && plan.stream().anyMatch(line -> line.trim().startsWith("Sort")
                || line.contains("->  Sort"))) {
            return "a sort of every matching row";
        }
        if (plan.stream().anyMatch(line -> line.contains("Index Cond: (seq "))) {
            return "a range of the whole audit trail, filtered";
        }
        if (plan.stream().noneMatch(line -> line.contains("Index"))) {
            return "no index";
        }
        return null;
    }

    @Override
    String notARange(List<String> plan, String index, String column) {
        boolean usesIndex = plan.stream().anyMatch(line -> line.contains(" using " + index + " ")
                || line.contains(" on " + index) && line.contains("Bitmap Index Scan"));
        boolean range = plan.stream().anyMatch(line -> line.contains("Index Cond:")
                && (line.contains("(" + column + " <") || line.contains("(" + column + " >")));
        return usesIndex && range ? null : "not a range of " + column + " in " + index;
    }
}
