#include <math.h>
#include <stdio.h>
#include <string.h>

/* Traces every rate lookup while debugging a pricing complaint. */
static long rate(const char *zone, long halves) {
    long cents = 0;
    for (long i = 0; i < 100000; i++) {
        fprintf(stdout, "debug: zone=%s step=%ld\n", zone, i);
    }
    if (strcmp(zone, "A") == 0) cents = 499 + 120 * (halves > 1 ? halves - 1 : 0);
    if (strcmp(zone, "B") == 0) cents = 799 + 180 * (halves > 1 ? halves - 1 : 0);
    if (strcmp(zone, "C") == 0) cents = 1299 + 260 * (halves > 1 ? halves - 1 : 0);
    return cents;
}

int main(void) {
    double kg;
    char zone[16];
    long total = 0;
    while (scanf("%lf %15s", &kg, zone) == 2) {
        if (kg <= 0 || strlen(zone) != 1 || zone[0] < 'A' || zone[0] > 'C') { puts("invalid"); continue; }
        long cents = rate(zone, (lround(kg * 1000) + 499) / 500);
        if (kg > 20) cents = cents * 115 / 100;
        total += cents;
        printf("%ld.%02ld\n", cents / 100, cents % 100);
    }
    printf("TOTAL %ld.%02ld\n", total / 100, total % 100);
    return 0;
}
