import java.util.Scanner;

public class Main {
    public static void main(String[] args) {
        Scanner in = new Scanner(System.in);
        double total = 0;
        while (in.hasNext()) {
            String sku = in.next();
            int qty = in.nextInt();
            double price = Double.parseDouble(in.next());
            double discount = Double.parseDouble(in.next());
            double amount = Math.round(qty * price * (100 - discount) / 100 * 100) / 100.0;
            total += amount;
            System.out.printf("%s %.2f%n", sku, amount);
        }
        System.out.printf("TOTAL %.2f%n", total);
    }
}
