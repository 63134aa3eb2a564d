import java.util.Map;
import java.util.TreeMap;

public class RoomBooker {
    /** start -> end of each booking; bookings never overlap. */
    private final TreeMap<Integer, Integer> bookings = new TreeMap<>();

    private static void check(int start, int end) {
        if (start < 0 || end > 1440 || start >= end) {
            throw new IllegalArgumentException("invalid range [" + start + ", " + end + "): need 0 <= start < end <= 1440");
        }
    }

    public boolean book(int start, int end) {
        check(start, end);
        Map.Entry<Integer, Integer> before = bookings.lowerEntry(end);
        if (before != null && before.getValue() > start) {
            return false;
        }
        bookings.put(start, end);
        return true;
    }

    public boolean cancel(int start, int end) {
        check(start, end);
        Integer existing = bookings.get(start);
        if (existing == null || existing != end) {
            return false;
        }
        bookings.remove(start);
        return true;
    }

    public int freeMinutes(int from, int to) {
        check(from, to);
        int busy = 0;
        for (Map.Entry<Integer, Integer> b : bookings.entrySet()) {
            int s = Math.max(from, b.getKey());
            int e = Math.min(to, b.getValue());
            if (e > s) {
                busy += e - s;
            }
        }
        return (to - from) - busy;
    }
}
