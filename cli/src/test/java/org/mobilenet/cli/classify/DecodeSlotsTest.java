package org.mobilenet.cli.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class DecodeSlotsTest {

    @Test
    void aLendIsTakenByTheNextWorkerToLeaveAndFreedWhenGivenBack() throws Exception {
        DecodeSlots slots = new DecodeSlots(2);
        slots.enter();
        slots.enter();
        assertEquals(0, slots.free());
        slots.lend();
        assertTrue(slots.lending());
        slots.leave(); // kept for the lend
        assertEquals(0, slots.free());
        slots.leave();
        assertEquals(1, slots.free(), "one place lent, the other free");
        slots.enter();
        slots.leave();
        assertEquals(1, slots.free(), "only one lend is held");
        slots.giveBack();
        assertFalse(slots.lending());
        assertEquals(2, slots.free());
    }

    @Test
    void aLendEndedBeforeAnyoneLeftHoldsNothing() throws Exception {
        DecodeSlots slots = new DecodeSlots(3);
        slots.enter();
        slots.lend();
        slots.giveBack();
        slots.leave();
        assertEquals(3, slots.free());
        assertFalse(slots.lending());
    }

    @Test
    void theLastPlaceIsNeverLent() throws Exception {
        DecodeSlots slots = new DecodeSlots(1);
        slots.lend();
        assertFalse(slots.lending());
        slots.enter();
        slots.leave();
        assertEquals(1, slots.free());
    }

    @Test
    void whileLendingOneWorkerFewerDecodesAtOnce() throws Exception {
        DecodeSlots slots = new DecodeSlots(2);
        slots.enter();
        slots.lend();
        slots.leave(); // now lent: one place left
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(4);
        for (int t = 0; t < 4; t++) {
            new Thread(() -> {
                try {
                    for (int i = 0; i < 50; i++) {
                        slots.enter();
                        most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        LockSupport.parkNanos(50_000); // long enough for the others to try
                        inside.decrementAndGet();
                        slots.leave();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }).start();
        }
        assertTrue(done.await(30, TimeUnit.SECONDS));
        assertEquals(1, most.get());
        slots.giveBack();
        assertEquals(2, slots.free());
    }

    @Test
    void aLendAndItsEndRacingWithLeavesNeverLoseOrAddAPlace() throws Exception {
        for (int round = 0; round < 2000; round++) {
            DecodeSlots slots = new DecodeSlots(2);
            slots.enter();
            slots.enter();
            slots.lend();
            Thread leaver = new Thread(() -> {
                slots.leave();
                slots.leave();
            });
            leaver.start();
            slots.giveBack();
            leaver.join();
            if (slots.lending()) {
                slots.giveBack();
            }
            assertEquals(2, slots.free(), "round " + round);
        }
    }

    @Test
    void noPlacesIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new DecodeSlots(0));
    }
}
