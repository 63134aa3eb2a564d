import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.RoundingMode;

public class Main {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        StringBuilder out = new StringBuilder();
        BigDecimal total = BigDecimal.ZERO.setScale(2);
        BigDecimal hundred = BigDecimal.valueOf(100);
        String line;
        while ((line = in.readLine()) != null) {
            String[] f = line.trim().split("\\s+");
            if (f.length != 4) continue;
            BigDecimal amount = new BigDecimal(f[1]).multiply(new BigDecimal(f[2]))
                .multiply(hundred.subtract(new BigDecimal(f[3])))
                .divide(hundred)
                .setScale(2, RoundingMode.HALF_UP);
            total = total.add(amount);
            out.append(f[0]).append(' ').append(amount.toPlainString()).append('\n');
        }
        out.append("TOTAL ").append(total.toPlainString()).append('\n');
        System.out.print(out);
    }
}
