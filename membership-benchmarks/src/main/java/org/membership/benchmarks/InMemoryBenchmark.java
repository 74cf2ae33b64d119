package org.membership.benchmarks;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.Decision;
import org.membership.api.Membership;
import org.membership.api.Outcome;
import org.membership.api.Page;
import org.membership.api.PageRequest;
import org.membership.api.UserId;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceMember;
import org.membership.api.WorkspaceRole;
import org.membership.inmemory.InMemoryStore;
import org.membership.tck.Fixture;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine on the in-memory store, in an organization (and workspace) of {@code members}
 * members: a dry run of a removal, a real removal followed by the re-add that restores the
 * state, and the first page of the member list — against a baseline of the hash lookups a
 * hand-written check of the same rows would make.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class InMemoryBenchmark {
    @Param({"100", "100000"})
    int members;

    private Membership membership;
    private Actor admin;
    private Command.RemoveWorkspaceMember remove;
    private Command.AddWorkspaceMember reAdd;
    private Command.ListWorkspaceMembers firstPage;
    private final Map<String, String> rows = new HashMap<>();
    private String[] lookups;

    @Setup
    public void setUp() {
        String target = "m" + (members / 2);
        Fixture f = Fixture.builder(new InMemoryStore()).organization("acme", org -> {
            org.admin("alice");
            for (int i = 0; i < members; i++) {
                org.member("m" + i);
            }
            org.workspace("w", ws -> {
                ws.admin("alice");
                for (int i = 0; i < members; i++) {
                    ws.member("m" + i);
                }
            });
        }).build();
        membership = f.membership();
        admin = f.actor("alice");
        WorkspaceId workspace = f.workspace("w");
        UserId user = f.user(target);
        remove = new Command.RemoveWorkspaceMember(workspace, user);
        reAdd = new Command.AddWorkspaceMember(workspace, user, WorkspaceRole.USER);
        firstPage = new Command.ListWorkspaceMembers(workspace, PageRequest.first());
        for (int i = 0; i < members; i++) {
            rows.put("user:m" + i, "validated");
            rows.put("org:m" + i, "member");
            rows.put("ws:m" + i, "user");
        }
        rows.put("user:alice", "validated");
        rows.put("org:alice", "admin");
        rows.put("ws:alice", "admin");
        rows.put("workspace:w", "acme");
        lookups = new String[] {"user:alice", "workspace:w", "org:alice", "ws:alice", "ws:" + target,
            "user:" + target, "org:" + target};
    }

    /** The floor: the seven hash lookups a hand-written in-memory removal check makes. */
    @Benchmark
    public int baselineHashLookups() {
        int found = 0;
        for (String key : lookups) {
            found += rows.get(key) != null ? 1 : 0;
        }
        return found;
    }

    /** May the admin remove the member? (no effect) */
    @Benchmark
    public Decision dryRunRemoval() {
        return membership.check(admin, remove);
    }

    /** Removes the member for real (with audit entry and event), then re-adds it. Two commits. */
    @Benchmark
    public Outcome<WorkspaceMember> removeThenReAdd() {
        membership.execute(admin, remove);
        return membership.execute(admin, reAdd);
    }

    /** The first page (20) of the workspace's members. */
    @Benchmark
    public Outcome<Page<WorkspaceMember>> listFirstPage() {
        return membership.execute(admin, firstPage);
    }
}
