package org.mobilenet.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Makes the Vector API's shared check of an operator's class polymorphic before C2 compiles any
 * kernel, so that no kernel loses its vector code to it.
 *
 * <p>Every lanewise operation of every element type (add, fma, max, exp, shifts...) casts its
 * operator to one implementation class in one static method, {@code VectorOperators.opKind}. While
 * that cast has seen one class (or two), C2 compiles it as a speculative check that deoptimizes on
 * any other; when the kernels then use an operator of another kind (the integer kernels' shifts
 * after the float kernels' FMA and MAX), the check deoptimizes a few
 * times and keeps that count. C2 adds the count once per inlined operation when it compiles a
 * kernel, and a kernel with a hundred vector operations then passes the limit of 100 traps per
 * compilation ({@code PerMethodTrapLimit}): C2 compiles its operations as calls on boxed vectors.
 * Measured: 0.25/128's 3x3 depthwise kernels ran twice as slow, the model 25% slower, in about a
 * third of fresh JVMs (JDK 17; LogCompilation showed the kernel's 14 virtual calls and
 * {@code observe trap='class_check' ccount='100'}). Called from the class initializers of the
 * kernels' species, this runs operators of four kinds (unary, binary, associative, ternary) on the
 * kernels' own species a thousand times first, in the interpreter (about 30 ms, once per JVM), so
 * the cast's profile holds more classes than C2 speculates on: 0.25/128 then ran at its usual speed
 * in 10 of 10 fresh JVMs. Only the kernels' species: another species here would make the vector
 * classes' own call sites polymorphic instead.
 */
final class OperatorProfile {
    /** Rounds of the four operators: enough for the profile to exist and fill (it starts after some hundreds of calls). */
    static final int ROUNDS = 1000;

    private OperatorProfile() {
    }

    /** Runs the operators on species {@code s}; returns a value so the work is not dead code. */
    static float prime(VectorSpecies<Float> s) {
        FloatVector v = FloatVector.broadcast(s, 0.5f);
        for (int i = 0; i < ROUNDS; i++) {
            v = v.neg();             // unary
            v = v.sub(0.25f);        // binary, not associative
            v = v.add(v);            // associative
            v = v.fma(v, v).max(1f); // ternary, and back to a bounded value
        }
        return v.lane(0);
    }
}
