package org.membership.tck;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.membership.core.spi.StoreTransaction;

/**
 * For decorators of {@link StoreTransaction} built as dynamic proxies (as the kit's own
 * {@link DawdlingStore} and its self-tests' broken stores are): a reflective call that rethrows what
 * the method threw. Such a decorator knows a write by the interface that declares it:
 * {@code method.getDeclaringClass() == StoreWrites.class} (see {@link org.membership.core.spi.StoreWrites}).
 *
 * <p>Stateless and thread-safe.
 */
public final class StoreTransactionMethods {
    private StoreTransactionMethods() {}

    /**
     * Calls {@code method} on {@code tx}.
     *
     * @param tx the transaction
     * @param method a method of {@link StoreTransaction}
     * @param args its arguments; null for none
     * @return what the method returned
     * @throws RuntimeException what the method threw, unwrapped
     * @throws IllegalStateException wrapping a checked exception or an inaccessible method
     */
    public static Object invoke(StoreTransaction tx, Method method, Object[] args) {
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
