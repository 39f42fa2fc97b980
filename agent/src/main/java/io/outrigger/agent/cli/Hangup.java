package io.outrigger.agent.cli;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.util.Optional;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Installs the SIGHUP (reload) handler, also when the process was started with SIGHUP ignored.
 *
 * <p>A process inherits an ignored signal across {@code exec}: {@code nohup}, a CI runner or a shell script that ran
 * {@code trap '' HUP} pass it on. The JVM then refuses to install a handler for SIGHUP ({@code JVM_RegisterSignal}
 * leaves an ignored shutdown signal ignored) and {@code Signal.handle} answers {@code SIG_IGN} without an error:
 * every SIGHUP is silently dropped and no reload ever happens (seen as a SIGHUP "lost" in about one CI run in ten).
 * A daemon that documents SIGHUP as reload owns the signal, as nginx does: the disposition is set back to the
 * default through the C library's {@code signal(2)} (the public {@code java.lang.foreign} API, looked up at run time
 * because the code targets Java 21), and the handler installed again.
 */
final class Hangup {

    private static final System.Logger LOG = System.getLogger(Hangup.class.getName());
    private static final int SIGHUP = 1; // Linux and macOS

    private Hangup() {}

    /**
     * Installs {@code handler} for SIGHUP. Returns null when that simply worked, else what to log once logging is set
     * up (SIGHUP was inherited as ignored: reset, or still ignored and why).
     */
    static Note handle(SignalHandler handler) {
        Signal hup = new Signal("HUP");
        if (Signal.handle(hup, handler) != SignalHandler.SIG_IGN) return null;
        try {
            resetToDefault();
        } catch (Throwable e) {
            return new Note(System.Logger.Level.WARNING, "SIGHUP is ignored by the process that started the agent and cannot be"
                    + " reset (" + e + "): SIGHUP will not reload the config; restart the agent to apply a new one");
        }
        if (Signal.handle(hup, handler) == SignalHandler.SIG_IGN) {
            return new Note(System.Logger.Level.WARNING, "SIGHUP is ignored by the process that started the agent: SIGHUP will"
                    + " not reload the config; restart the agent to apply a new one");
        }
        return new Note(System.Logger.Level.INFO, "SIGHUP was ignored by the process that started the agent; it reloads the config now");
    }

    /** A message for the agent's log. */
    record Note(System.Logger.Level level, String message) {
        void log() { LOG.log(level, message); }
    }

    /** {@code signal(SIGHUP, SIG_DFL)} through {@code java.lang.foreign}. */
    private static void resetToDefault() throws Throwable {
        Class<?> linkerClass = Class.forName("java.lang.foreign.Linker");
        Class<?> lookupClass = Class.forName("java.lang.foreign.SymbolLookup");
        Class<?> layoutClass = Class.forName("java.lang.foreign.MemoryLayout");
        Class<?> valueLayout = Class.forName("java.lang.foreign.ValueLayout");
        Class<?> descriptorClass = Class.forName("java.lang.foreign.FunctionDescriptor");
        Class<?> segmentClass = Class.forName("java.lang.foreign.MemorySegment");
        Class<?> optionClass = Class.forName("java.lang.foreign.Linker$Option");
        Object linker = linkerClass.getMethod("nativeLinker").invoke(null);
        Object lookup = linkerClass.getMethod("defaultLookup").invoke(linker);
        Optional<?> signal = (Optional<?>) lookupClass.getMethod("find", String.class).invoke(lookup, "signal");
        if (signal.isEmpty()) throw new IllegalStateException("no signal() in the C library");
        Object address = valueLayout.getField("ADDRESS").get(null);
        Object args = Array.newInstance(layoutClass, 2);
        Array.set(args, 0, valueLayout.getField("JAVA_INT").get(null));
        Array.set(args, 1, address);
        Object descriptor = descriptorClass.getMethod("of", layoutClass, args.getClass()).invoke(null, address, args);
        Object noOptions = Array.newInstance(optionClass, 0);
        MethodHandle call = (MethodHandle) linkerClass.getMethod("downcallHandle", segmentClass, descriptorClass, noOptions.getClass())
                .invoke(linker, signal.get(), descriptor, noOptions);
        call.invokeWithArguments(SIGHUP, segmentClass.getField("NULL").get(null)); // SIG_DFL is 0
    }
}
