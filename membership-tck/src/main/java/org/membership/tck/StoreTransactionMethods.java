package org.membership.tck;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.membership.core.spi.StoreTransaction;

/**
 * For decorators of {@link StoreTransaction} built as dynamic proxies (as the kit's own
 * {@link DawdlingStore} and its self-tests' broken stores are): which methods write, and a
 * reflective call that rethrows what the method threw.
 *
 * <p>Stateless and thread-safe.
 */
public final class StoreTransactionMethods {
    private StoreTransactionMethods() {}

    /**
     * @param method a method of {@link StoreTransaction}
     * @return whether it changes stored rows (its name begins with insert, update, delete, append,
     *     expire or prune, or it is park); the locks and every read (parked among them) do not
     * @throws NullPointerException if method is null
     */
    public static boolean isWrite(Method method) {
        String name = method.getName();
        return name.startsWith("insert") || name.startsWith("update") || name.startsWith("delete")
                || name.startsWith("append") || name.startsWith("expire") || name.equals("park")
                || name.startsWith("prune");
    }

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
