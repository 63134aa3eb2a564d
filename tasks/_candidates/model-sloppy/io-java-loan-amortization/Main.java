import java.util.Scanner;

public class Main {
    public static void main(String[] args) {
        Scanner in = new Scanner(System.in);
        int principal = Integer.parseInt(in.next());
        double annual = Double.parseDouble(in.next());
        int months = in.nextInt();
        double r = annual / 1200;
        double payment = principal * r / (1 - Math.pow(1 + r, -months));
        System.out.printf("PAYMENT %.2f%n", payment);
        double balance = principal, total = 0;
        for (int k = 1; k <= months; k++) {
            double interest = balance * r;
            double part = payment - interest;
            balance -= part;
            total += interest;
            System.out.printf("%d %.2f %.2f %.2f%n", k, interest, part, balance);
        }
        System.out.printf("TOTAL_INTEREST %.2f%n", total);
    }
}
