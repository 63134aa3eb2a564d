import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RoomBookerTest {
    @Test
    void overlappingBookingIsRefused() {
        RoomBooker r = new RoomBooker();
        assertTrue(r.book(540, 600));
        assertFalse(r.book(570, 630));
        assertFalse(r.book(500, 541));
        assertFalse(r.book(550, 560), "inside an existing booking");
        assertFalse(r.book(500, 700), "around an existing booking");
    }

    @Test
    void touchingBookingsAreAllowed() {
        RoomBooker r = new RoomBooker();
        assertTrue(r.book(540, 600));
        assertTrue(r.book(600, 660));
        assertTrue(r.book(480, 540));
    }

    @Test
    void cancelRemovesOnlyTheExactBooking() {
        RoomBooker r = new RoomBooker();
        r.book(540, 600);
        assertFalse(r.cancel(540, 590));
        assertTrue(r.cancel(540, 600));
        assertFalse(r.cancel(540, 600));
        assertTrue(r.book(550, 580));
    }

    @Test
    void freeMinutesCountsPartialOverlaps() {
        RoomBooker r = new RoomBooker();
        r.book(540, 600);
        r.book(660, 720);
        assertEquals(60, r.freeMinutes(540, 660));
        assertEquals(90, r.freeMinutes(570, 750));
        assertEquals(1320, r.freeMinutes(0, 1440));
    }

    @Test
    void wholeDayBoundaries() {
        RoomBooker r = new RoomBooker();
        assertTrue(r.book(0, 1440));
        assertEquals(0, r.freeMinutes(0, 1440));
        assertFalse(r.book(1439, 1440));
    }

    @Test
    void invalidRanges() {
        RoomBooker r = new RoomBooker();
        assertThrows(IllegalArgumentException.class, () -> r.book(600, 600));
        assertThrows(IllegalArgumentException.class, () -> r.book(700, 600));
        assertThrows(IllegalArgumentException.class, () -> r.book(-1, 10));
        assertThrows(IllegalArgumentException.class, () -> r.book(1400, 1441));
        assertThrows(IllegalArgumentException.class, () -> r.freeMinutes(10, 5));
        assertThrows(IllegalArgumentException.class, () -> r.cancel(5, 5));
    }
}
