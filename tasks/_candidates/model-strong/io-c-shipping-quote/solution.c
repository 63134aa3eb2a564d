#include <math.h>
#include <stdio.h>
#include <string.h>

int main(void) {
    double kg;
    char zone[16];
    long total = 0;
    while (scanf("%lf %15s", &kg, zone) == 2) {
        long base, per;
        if (strcmp(zone, "A") == 0) { base = 499; per = 120; }
        else if (strcmp(zone, "B") == 0) { base = 799; per = 180; }
        else if (strcmp(zone, "C") == 0) { base = 1299; per = 260; }
        else { puts("invalid"); continue; }
        if (kg <= 0) { puts("invalid"); continue; }
        long grams = lround(kg * 1000);
        long halves = (grams + 499) / 500;
        long cents = base + per * (halves > 1 ? halves - 1 : 0);
        if (kg > 20) cents = cents * 115 / 100;
        total += cents;
        printf("%ld.%02ld\n", cents / 100, cents % 100);
    }
    printf("TOTAL %ld.%02ld\n", total / 100, total % 100);
    return 0;
}
