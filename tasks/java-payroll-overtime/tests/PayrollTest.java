import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PayrollTest {
    @Test
    void regularWeek() {
        assertEquals("800.00", Payroll.weeklyPay("20.00", new int[] {480, 480, 480, 480, 480, 0, 0}));
    }

    @Test
    void overtimeAfterFortyHours() {
        // 45 h Mon-Sat: 40 * 20 + 5 * 30
        assertEquals("950.00", Payroll.weeklyPay("20", new int[] {540, 540, 540, 540, 540, 0, 0}));
    }

    @Test
    void exactlyFortyHoursHasNoOvertime() {
        assertEquals("600.00", Payroll.weeklyPay("15", new int[] {600, 600, 600, 600, 0, 0, 0}));
    }

    @Test
    void sundayIsDoubleAndOutsideTheFortyHours() {
        // 40 h Mon-Sat at 10, plus 3 h Sunday at 20
        assertEquals("460.00", Payroll.weeklyPay("10", new int[] {480, 480, 480, 480, 480, 0, 180}));
    }

    @Test
    void roundedOnceHalfUp() {
        // 7 min at 12.45/h = 1.4525 ; 1 min Sunday at 24.90/h = 0.415 ; total 1.8675 -> 1.87
        assertEquals("1.87", Payroll.weeklyPay("12.45", new int[] {7, 0, 0, 0, 0, 0, 1}));
        // 1 min at 0.30/h = 0.005 -> 0.01
        assertEquals("0.01", Payroll.weeklyPay("0.30", new int[] {1, 0, 0, 0, 0, 0, 0}));
        assertEquals("0.00", Payroll.weeklyPay("25", new int[7]));
    }

    @Test
    void invalidInput() {
        assertThrows(IllegalArgumentException.class, () -> Payroll.weeklyPay("10", new int[6]));
        assertThrows(IllegalArgumentException.class, () -> Payroll.weeklyPay("10", new int[] {0, 0, 0, -1, 0, 0, 0}));
    }
}
