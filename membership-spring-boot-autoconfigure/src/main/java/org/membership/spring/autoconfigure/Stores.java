package org.membership.spring.autoconfigure;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.membership.api.UnableToPersistException;
import org.membership.core.spi.MembershipStore;
import org.membership.inmemory.InMemoryStore;
import org.membership.jdbi.JdbiStore;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.util.ClassUtils;

/**
 * Opens the store that {@code membership.store.*} asks for. Each store module is optional, so this
 * class touches one only after checking it is on the class path. Not instantiable; thread-safe.
 */
final class Stores {
    private Stores() {}

    /**
     * @param store the store's properties
     * @param dataSource the application's DataSource to use, or null
     * @return the store
     * @throws IllegalStateException if the properties ask for a store whose module or database is not there
     */
    static MembershipStore open(MembershipProperties.Store store, DataSource dataSource) {
        DataSource host = store.isUseHostDataSource() ? dataSource : null;
        MembershipProperties.StoreKind kind = store.getKind();
        if (kind == MembershipProperties.StoreKind.IN_MEMORY) {
            require("org.membership.inmemory.InMemoryStore", "membership-inmemory", kind);
            return new InMemoryStore();
        }
        require("org.membership.jdbi.JdbiStore", "membership-jdbi", kind);
        if (kind == MembershipProperties.StoreKind.AUTO) {
            kind = host == null ? MembershipProperties.StoreKind.SQLITE : database(host);
        }
        return kind == MembershipProperties.StoreKind.SQLITE ? sqlite(store, host) : postgresql(store, host);
    }

    private static MembershipStore sqlite(MembershipProperties.Store properties, DataSource host) {
        JdbiStore.Options options = options(properties).poolSize(properties.getSqlite().getPoolSize())
                .durability(properties.getSqlite().getDurability() == MembershipProperties.Durability.FULL
                        ? JdbiStore.Durability.FULL : JdbiStore.Durability.NORMAL)
                .busyTimeout(properties.getSqlite().getBusyTimeout());
        if (host == null) {
            return JdbiStore.sqlite(Path.of(properties.getSqlite().getFile()), options);
        }
        expect(host, MembershipProperties.StoreKind.SQLITE);
        DataSource target = target(host);
        return JdbiStore.sqlite(target, options, new SpringTransactions(target));
    }

    private static MembershipStore postgresql(MembershipProperties.Store properties, DataSource host) {
        JdbiStore.Options options = options(properties).poolSize(properties.getPostgresql().getPoolSize())
                .feedNotifications(properties.getPostgresql().isNotifications());
        if (host == null) {
            String url = properties.getPostgresql().getUrl();
            if (url == null || url.isBlank()) {
                throw new IllegalStateException("membership.store.kind=postgresql needs the application's DataSource"
                        + " or membership.store.postgresql.url");
            }
            return JdbiStore.postgresql(url, options);
        }
        expect(host, MembershipProperties.StoreKind.POSTGRESQL);
        DataSource target = target(host);
        return JdbiStore.postgresql(target, options, new SpringTransactions(target));
    }

    private static JdbiStore.Options options(MembershipProperties.Store properties) {
        return JdbiStore.Options.defaults().tablePrefix(properties.getTablePrefix())
                .maxAttempts(properties.getMaxAttempts()).feedPollInterval(properties.getFeedPollInterval());
    }

    /**
     * The DataSource itself, not a proxy that hands out the bound transaction's connection: outside the
     * application's transactions (and after their commits) the store must get connections of its own.
     */
    private static DataSource target(DataSource dataSource) {
        return dataSource instanceof TransactionAwareDataSourceProxy proxy && proxy.getTargetDataSource() != null
                ? proxy.getTargetDataSource() : dataSource;
    }

    private static MembershipProperties.StoreKind database(DataSource dataSource) {
        String product;
        try (Connection connection = dataSource.getConnection()) {
            product = connection.getMetaData().getDatabaseProductName();
        } catch (SQLException e) {
            throw new UnableToPersistException("cannot reach the application's DataSource", e);
        }
        if ("SQLite".equalsIgnoreCase(product)) {
            return MembershipProperties.StoreKind.SQLITE;
        }
        if ("PostgreSQL".equalsIgnoreCase(product)) {
            return MembershipProperties.StoreKind.POSTGRESQL;
        }
        throw new IllegalStateException("the application's DataSource is " + product + "; membership stores run on"
                + " SQLite or PostgreSQL: set membership.store.use-host-data-source=false for a SQLite file of its own,"
                + " or membership.store.kind=in-memory");
    }

    private static void expect(DataSource dataSource, MembershipProperties.StoreKind kind) {
        MembershipProperties.StoreKind actual = database(dataSource);
        if (actual != kind) {
            throw new IllegalStateException("membership.store.kind=" + kind.name().toLowerCase().replace('_', '-')
                    + ", but the application's DataSource is " + actual.name().toLowerCase() + "; set"
                    + " membership.store.use-host-data-source=false to keep the store apart");
        }
    }

    private static void require(String className, String artifact, MembershipProperties.StoreKind kind) {
        if (!ClassUtils.isPresent(className, Stores.class.getClassLoader())) {
            throw new IllegalStateException("membership.store.kind=" + kind.name().toLowerCase().replace('_', '-')
                    + " needs org.membership:" + artifact + " on the class path");
        }
    }
}
