import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Scanner;

public class Main {
    static BigDecimal cents(BigDecimal x) {
        return x.setScale(2, RoundingMode.HALF_UP);
    }

    public static void main(String[] args) {
        Scanner sc = new Scanner(System.in);
        BigDecimal p = new BigDecimal(sc.next());
        BigDecimal rate = new BigDecimal(sc.next());
        int n = sc.nextInt();
        MathContext mc = new MathContext(40);
        BigDecimal r = rate.divide(new BigDecimal(1200), mc);
        BigDecimal pay;
        if (rate.compareTo(BigDecimal.ZERO) == 0) {
            pay = cents(p.divide(new BigDecimal(n), mc));
        } else {
            BigDecimal f = BigDecimal.ONE.add(r).pow(n, mc);
            pay = cents(p.multiply(r).multiply(f).divide(f.subtract(BigDecimal.ONE), mc));
        }
        System.out.println("PAYMENT " + pay);
        BigDecimal bal = cents(p), sum = BigDecimal.ZERO;
        for (int k = 1; k <= n; k++) {
            BigDecimal interest = cents(bal.multiply(r));
            BigDecimal princ = (k == n) ? bal : pay.subtract(interest);
            bal = bal.subtract(princ);
            sum = sum.add(interest);
            System.out.println(k + " " + interest + " " + princ + " " + bal);
        }
        System.out.println("TOTAL_INTEREST " + cents(sum));
    }
}
