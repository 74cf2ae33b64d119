package org.membership.spring.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.membership.api.AuthorityLevel;
import org.membership.api.MembershipRules;
import org.membership.api.Operation;
import org.membership.api.OrganizationAdminRemoval;
import org.membership.api.Presets;
import org.membership.api.SelfRemoval;
import org.membership.core.FeedSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code membership.*} configuration properties: which store backs the library, the rules, how
 * this instance runs the change feed, and whether events become application events.
 *
 * <pre>{@code
 * membership.store.kind=sqlite
 * membership.store.sqlite.file=data/membership.db
 * membership.rules.preset=flashback
 * membership.rules.required-authority.remove-workspace-member=organization-admin
 * membership.feed.instance=web-1
 * }</pre>
 *
 * <p>Not thread-safe: Spring binds it once at start-up, and the auto-configuration reads it then.
 */
@ConfigurationProperties("membership")
public class MembershipProperties {
    private final Store store = new Store();
    private final Rules rules = new Rules();
    private final Feed feed = new Feed();
    private final Events events = new Events();

    /** @return the store's settings */
    public Store getStore() {
        return store;
    }

    /** @return the rules */
    public Rules getRules() {
        return rules;
    }

    /** @return the change feed's settings on this instance */
    public Feed getFeed() {
        return feed;
    }

    /** @return how events reach the application */
    public Events getEvents() {
        return events;
    }

    /** Which store backs the library. */
    public enum StoreKind {
        /** The application's DataSource when it has one (SQLite or PostgreSQL, as its database says), else a SQLite file. */
        AUTO,
        /** An in-memory store: nothing survives a restart; for tests and demonstrations. */
        IN_MEMORY,
        /** SQLite: the application's SQLite DataSource, or the file {@code membership.store.sqlite.file}. */
        SQLITE,
        /** PostgreSQL: the application's DataSource, or {@code membership.store.postgresql.url}. */
        POSTGRESQL
    }

    /** How hard a SQLite commit tries to survive a power loss (the store's {@code Durability}). */
    public enum Durability {
        /** Once a change returns, it survives a process crash and a power loss. */
        FULL,
        /** Faster commits; a power loss may lose the last few commits, a process crash none. */
        NORMAL
    }

    /** The rules presets of {@link MembershipRules}. */
    public enum RulesPreset {
        /** {@link MembershipRules#defaults()}. */
        DEFAULTS,
        /** {@link Presets#flashback()}: workspace admins remove; nobody removes themselves. */
        FLASHBACK,
        /** {@link Presets#paradigmCompany()}: organization admins or higher remove. */
        PARADIGM_COMPANY,
        /** {@link Presets#paradigmInstance()}: only instance admins remove. */
        PARADIGM_INSTANCE,
        /** {@link Presets#anthropicAdmin()}: organization admin keys; organization admins protected. */
        ANTHROPIC_ADMIN,
        /** {@link Presets#factory()}: organization admins remove by email; an admin may leave. */
        FACTORY;

        /** @return the preset's rules */
        public MembershipRules rules() {
            switch (this) {
                case DEFAULTS:
                    return MembershipRules.defaults();
                case FLASHBACK:
                    return Presets.flashback();
                case PARADIGM_COMPANY:
                    return Presets.paradigmCompany();
                case PARADIGM_INSTANCE:
                    return Presets.paradigmInstance();
                case ANTHROPIC_ADMIN:
                    return Presets.anthropicAdmin();
                case FACTORY:
                    return Presets.factory();
                default:
                    throw new AssertionError(this);
            }
        }
    }

    /** {@code membership.store.*}: which store, and its settings. */
    public static class Store {
        /**
         * Which store backs the library: auto takes the application's DataSource when it has one (its
         * database decides between SQLite and PostgreSQL) and otherwise a SQLite file.
         */
        private StoreKind kind = StoreKind.AUTO;
        /**
         * Whether a SQLite or PostgreSQL store uses the application's DataSource, and joins the
         * application's transactions on it, when there is one.
         */
        private boolean useHostDataSource = true;
        /**
         * Put before every table and index name the library creates: empty, or a lower-case letter then up
         * to 19 lower-case letters, digits or underscores.
         */
        private String tablePrefix = "";
        /**
         * How many times a transaction of the store's own that lost a race is tried in all. Inside the
         * application's transaction a lost race is never retried by the library.
         */
        private int maxAttempts = 8;
        /** How often a waiting follower of the change feed looks at its head when nothing wakes it. */
        private Duration feedPollInterval = Duration.ofMillis(20);
        private final Sqlite sqlite = new Sqlite();
        private final Postgresql postgresql = new Postgresql();

        /** @return which store backs the library */
        public StoreKind getKind() {
            return kind;
        }

        /** @param kind which store backs the library */
        public void setKind(StoreKind kind) {
            this.kind = Objects.requireNonNull(kind, "kind");
        }

        /** @return whether the application's DataSource is used when there is one */
        public boolean isUseHostDataSource() {
            return useHostDataSource;
        }

        /** @param useHostDataSource whether the application's DataSource is used when there is one */
        public void setUseHostDataSource(boolean useHostDataSource) {
            this.useHostDataSource = useHostDataSource;
        }

        /** @return the table prefix */
        public String getTablePrefix() {
            return tablePrefix;
        }

        /** @param tablePrefix the table prefix */
        public void setTablePrefix(String tablePrefix) {
            this.tablePrefix = Objects.requireNonNull(tablePrefix, "tablePrefix");
        }

        /** @return how many times a transaction is tried in all */
        public int getMaxAttempts() {
            return maxAttempts;
        }

        /** @param maxAttempts how many times a transaction is tried in all */
        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        /** @return how often a waiting follower looks at the feed's head */
        public Duration getFeedPollInterval() {
            return feedPollInterval;
        }

        /** @param feedPollInterval how often a waiting follower looks at the feed's head */
        public void setFeedPollInterval(Duration feedPollInterval) {
            this.feedPollInterval = Objects.requireNonNull(feedPollInterval, "feedPollInterval");
        }

        /** @return the SQLite settings */
        public Sqlite getSqlite() {
            return sqlite;
        }

        /** @return the PostgreSQL settings */
        public Postgresql getPostgresql() {
            return postgresql;
        }
    }

    /** {@code membership.store.sqlite.*}: a SQLite file the store opens itself. */
    public static class Sqlite {
        /** The SQLite file, when the store opens its own (no application DataSource); its directory must exist. */
        private String file = "membership.db";
        /** How hard a commit tries to survive a power loss. */
        private Durability durability = Durability.FULL;
        /** How long a connection waits for another process's lock on the file before failing. */
        private Duration busyTimeout = Duration.ofSeconds(5);
        /** The most connections the store's own pool opens. */
        private int poolSize = 4;

        /** @return the file */
        public String getFile() {
            return file;
        }

        /** @param file the file */
        public void setFile(String file) {
            this.file = Objects.requireNonNull(file, "file");
        }

        /** @return the durability */
        public Durability getDurability() {
            return durability;
        }

        /** @param durability the durability */
        public void setDurability(Durability durability) {
            this.durability = Objects.requireNonNull(durability, "durability");
        }

        /** @return the busy timeout */
        public Duration getBusyTimeout() {
            return busyTimeout;
        }

        /** @param busyTimeout the busy timeout */
        public void setBusyTimeout(Duration busyTimeout) {
            this.busyTimeout = Objects.requireNonNull(busyTimeout, "busyTimeout");
        }

        /** @return the pool size */
        public int getPoolSize() {
            return poolSize;
        }

        /** @param poolSize the pool size */
        public void setPoolSize(int poolSize) {
            this.poolSize = poolSize;
        }
    }

    /** {@code membership.store.postgresql.*}: PostgreSQL settings. */
    public static class Postgresql {
        /**
         * A jdbc:postgresql: URL for a pool of the store's own, used only when the application has no
         * DataSource (or use-host-data-source is false).
         */
        private String url;
        /** The most connections the store's own pool opens. */
        private int poolSize = 4;
        /**
         * Whether followers of the change feed listen (LISTEN/NOTIFY) for other processes' changes; turn it
         * off where connections cannot listen (a pooler in transaction mode), and followers poll.
         */
        private boolean notifications = true;

        /** @return the URL, or null */
        public String getUrl() {
            return url;
        }

        /** @param url the URL */
        public void setUrl(String url) {
            this.url = url;
        }

        /** @return the pool size */
        public int getPoolSize() {
            return poolSize;
        }

        /** @param poolSize the pool size */
        public void setPoolSize(int poolSize) {
            this.poolSize = poolSize;
        }

        /** @return whether followers listen for other processes' changes */
        public boolean isNotifications() {
            return notifications;
        }

        /** @param notifications whether followers listen for other processes' changes */
        public void setNotifications(boolean notifications) {
            this.notifications = notifications;
        }
    }

    /** {@code membership.rules.*}: a preset, and what to change in it. */
    public static class Rules {
        /** The rules to start from. */
        private RulesPreset preset = RulesPreset.DEFAULTS;
        /**
         * The minimum authority level per operation, replacing the preset's, for example
         * remove-workspace-member=organization-admin.
         */
        private Map<Operation, AuthorityLevel> requiredAuthority = new LinkedHashMap<>();
        /** Whether actors may remove or demote themselves; the preset's when not set. */
        private SelfRemoval selfRemoval;
        /** Who may remove an organization admin or change its workspace role; the preset's when not set. */
        private OrganizationAdminRemoval organizationAdminRemoval;
        /** How long an invitation stays acceptable; the preset's when not set. */
        private Duration invitationLifetime;

        /** @return the preset */
        public RulesPreset getPreset() {
            return preset;
        }

        /** @param preset the preset */
        public void setPreset(RulesPreset preset) {
            this.preset = Objects.requireNonNull(preset, "preset");
        }

        /** @return the minimum levels that replace the preset's */
        public Map<Operation, AuthorityLevel> getRequiredAuthority() {
            return requiredAuthority;
        }

        /** @param requiredAuthority the minimum levels that replace the preset's */
        public void setRequiredAuthority(Map<Operation, AuthorityLevel> requiredAuthority) {
            this.requiredAuthority = new LinkedHashMap<>(requiredAuthority);
        }

        /** @return the self-removal rule, or null for the preset's */
        public SelfRemoval getSelfRemoval() {
            return selfRemoval;
        }

        /** @param selfRemoval the self-removal rule */
        public void setSelfRemoval(SelfRemoval selfRemoval) {
            this.selfRemoval = selfRemoval;
        }

        /** @return who may remove an organization admin, or null for the preset's */
        public OrganizationAdminRemoval getOrganizationAdminRemoval() {
            return organizationAdminRemoval;
        }

        /** @param organizationAdminRemoval who may remove an organization admin */
        public void setOrganizationAdminRemoval(OrganizationAdminRemoval organizationAdminRemoval) {
            this.organizationAdminRemoval = organizationAdminRemoval;
        }

        /** @return the invitation lifetime, or null for the preset's */
        public Duration getInvitationLifetime() {
            return invitationLifetime;
        }

        /** @param invitationLifetime the invitation lifetime */
        public void setInvitationLifetime(Duration invitationLifetime) {
            this.invitationLifetime = invitationLifetime;
        }

        /**
         * @return the preset with these changes
         * @throws org.membership.api.InvalidInputException if a change is not valid (a lifetime that is not positive)
         */
        public MembershipRules toRules() {
            MembershipRules.Builder builder = preset.rules().toBuilder();
            requiredAuthority.forEach(builder::requireAuthority);
            if (selfRemoval != null) {
                builder.selfRemoval(selfRemoval);
            }
            if (organizationAdminRemoval != null) {
                builder.organizationAdminRemoval(organizationAdminRemoval);
            }
            if (invitationLifetime != null) {
                builder.invitationLifetime(invitationLifetime);
            }
            return builder.build();
        }
    }

    /** {@code membership.feed.*}: how this instance runs the change feed's consumers (the engine's {@link FeedSettings}). */
    public static class Feed {
        /**
         * This instance's name in consumer leases (1-128 characters from A-Z a-z 0-9 _ - . :); two running
         * instances must not share one. A random name when not set.
         */
        private String instance;
        /** How long an instance holds a consumer delivered one instance at a time without renewing it. */
        private Duration lease = Duration.ofSeconds(30);
        /** The longest a consumer waits before looking at the feed again when the store sends no wake-up. */
        private Duration pollInterval = Duration.ofSeconds(1);
        /** How long events are kept at least, once every stored consumer has passed them. */
        private Duration retention = Duration.ofDays(7);
        /** How often, at most, the engine prunes the feed by itself; 0 never. */
        private Duration pruneEvery = Duration.ofMinutes(1);
        /** How many events a consumer reads at once, 1 to 1000. */
        private int batchSize = 100;

        /** @return the instance name, or null for a random one */
        public String getInstance() {
            return instance;
        }

        /** @param instance the instance name */
        public void setInstance(String instance) {
            this.instance = instance;
        }

        /** @return the lease */
        public Duration getLease() {
            return lease;
        }

        /** @param lease the lease */
        public void setLease(Duration lease) {
            this.lease = Objects.requireNonNull(lease, "lease");
        }

        /** @return the poll interval */
        public Duration getPollInterval() {
            return pollInterval;
        }

        /** @param pollInterval the poll interval */
        public void setPollInterval(Duration pollInterval) {
            this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
        }

        /** @return the retention */
        public Duration getRetention() {
            return retention;
        }

        /** @param retention the retention */
        public void setRetention(Duration retention) {
            this.retention = Objects.requireNonNull(retention, "retention");
        }

        /** @return how often the engine prunes at most */
        public Duration getPruneEvery() {
            return pruneEvery;
        }

        /** @param pruneEvery how often the engine prunes at most, zero for never */
        public void setPruneEvery(Duration pruneEvery) {
            this.pruneEvery = Objects.requireNonNull(pruneEvery, "pruneEvery");
        }

        /** @return the batch size */
        public int getBatchSize() {
            return batchSize;
        }

        /** @param batchSize the batch size */
        public void setBatchSize(int batchSize) {
            this.batchSize = batchSize;
        }

        /**
         * @return the engine's feed settings
         * @throws IllegalArgumentException if a setting is out of range
         */
        public FeedSettings toSettings() {
            FeedSettings settings = FeedSettings.defaults();
            return new FeedSettings(instance == null ? settings.instance() : instance, lease, pollInterval, retention,
                    pruneEvery, batchSize);
        }
    }

    /** {@code membership.events.*}: how events reach the application. */
    public static class Events {
        /**
         * Whether every event of a committed change is published as a Spring application event (after the
         * commit, on the thread that made the change), for {@code @EventListener} methods.
         */
        private boolean publish = true;

        /** @return whether events are published as application events */
        public boolean isPublish() {
            return publish;
        }

        /** @param publish whether events are published as application events */
        public void setPublish(boolean publish) {
            this.publish = publish;
        }
    }
}
