import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

public class Main {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        String[] f = in.readLine().trim().split("\\s+");
        BigDecimal principal = new BigDecimal(f[0]);
        BigDecimal annual = new BigDecimal(f[1]);
        int months = Integer.parseInt(f[2]);
        // 34 significant digits: far below a cent before the payment is rounded.
        MathContext mc = MathContext.DECIMAL128;
        BigDecimal r = annual.divide(BigDecimal.valueOf(1200), mc);
        BigDecimal payment;
        if (r.signum() == 0) {
            payment = principal.divide(BigDecimal.valueOf(months), 2, RoundingMode.HALF_UP);
        } else {
            BigDecimal growth = BigDecimal.ONE.add(r).pow(months, mc);
            BigDecimal discount = BigDecimal.ONE.subtract(BigDecimal.ONE.divide(growth, mc));
            payment = principal.multiply(r).divide(discount, 2, RoundingMode.HALF_UP);
        }
        StringBuilder out = new StringBuilder();
        out.append("PAYMENT ").append(payment.toPlainString()).append('\n');
        BigDecimal balance = principal.setScale(2, RoundingMode.HALF_UP);
        BigDecimal totalInterest = BigDecimal.ZERO.setScale(2);
        for (int k = 1; k <= months; k++) {
            BigDecimal interest = balance.multiply(r).setScale(2, RoundingMode.HALF_UP);
            BigDecimal part = k == months ? balance : payment.subtract(interest);
            balance = balance.subtract(part);
            totalInterest = totalInterest.add(interest);
            out.append(k).append(' ').append(interest.toPlainString()).append(' ')
                .append(part.toPlainString()).append(' ').append(balance.toPlainString()).append('\n');
        }
        out.append("TOTAL_INTEREST ").append(totalInterest.toPlainString()).append('\n');
        System.out.print(out);
    }
}
