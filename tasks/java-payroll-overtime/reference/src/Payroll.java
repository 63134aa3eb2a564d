import java.math.BigDecimal;
import java.math.RoundingMode;

public class Payroll {
    private static final int WEEKLY_REGULAR_MINUTES = 40 * 60;
    private static final BigDecimal SIXTY = BigDecimal.valueOf(60);

    public static String weeklyPay(String hourlyRate, int[] minutesWorked) {
        if (minutesWorked == null || minutesWorked.length != 7) {
            throw new IllegalArgumentException("minutesWorked must have 7 entries (Monday..Sunday)");
        }
        int weekday = 0;
        for (int i = 0; i < 7; i++) {
            if (minutesWorked[i] < 0) {
                throw new IllegalArgumentException("day " + i + ": negative minutes " + minutesWorked[i]);
            }
            if (i < 6) {
                weekday += minutesWorked[i];
            }
        }
        BigDecimal rate = new BigDecimal(hourlyRate);
        int regular = Math.min(weekday, WEEKLY_REGULAR_MINUTES);
        int overtime = weekday - regular;
        // Sum in rate-minutes (exact), divide by 60 only at the end.
        BigDecimal rateMinutes = rate.multiply(BigDecimal.valueOf(regular))
                .add(rate.multiply(new BigDecimal("1.5")).multiply(BigDecimal.valueOf(overtime)))
                .add(rate.multiply(BigDecimal.valueOf(2)).multiply(BigDecimal.valueOf(minutesWorked[6])));
        return rateMinutes.divide(SIXTY, 2, RoundingMode.HALF_UP).toPlainString();
    }
}
