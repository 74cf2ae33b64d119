package org.membership.inmemory;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.Function;
import org.membership.core.spi.MembershipStore;
import org.membership.core.spi.StoreTransaction;

/**
 * A deliberately broken store for the kit's self-tests: it has no transactions. Every read of a
 * "write transaction" is its own read and every write commits on its own at once, so decisions
 * race with other changes and a failure halfway leaves the writes before it in place.
 *
 * <p>Thread-safe, and wrong on purpose.
 */
final class AutoCommitStore implements MembershipStore {
    private final InMemoryStore rows = new InMemoryStore();

    @Override
    public <T> T write(Function<StoreTransaction, T> work) {
        return work.apply((StoreTransaction) Proxy.newProxyInstance(StoreTransaction.class.getClassLoader(),
                new Class<?>[] {StoreTransaction.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.invoke(rows, args);
                    }
                    return isWrite(method)
                            ? rows.write(tx -> call(tx, method, args))
                            : rows.read(tx -> call(tx, method, args));
                }));
    }

    @Override
    public <T> T read(Function<StoreTransaction, T> work) {
        return rows.read(work);
    }

    private static boolean isWrite(Method method) {
        String name = method.getName();
        return name.startsWith("insert") || name.startsWith("update") || name.startsWith("delete")
                || name.startsWith("append");
    }

    private static Object call(StoreTransaction tx, Method method, Object[] args) {
        try {
            return method.invoke(tx, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
