package task

import "testing"

func expectReport(t *testing.T, title string, rows []Row, want string) {
	t.Helper()
	if got := RenderReport(title, rows); got != want {
		t.Fatalf("RenderReport(%q, %+v)\n--- got ---\n%s--- want ---\n%s", title, rows, got, want)
	}
}

func TestBasicReport(t *testing.T) {
	expectReport(t, "March", []Row{{"Widget", 2, 150}, {"Gear", 10, 25}},
		"March\n"+
			"=====\n"+
			"Name    Qty  Amount\n"+
			"Widget    2   $3.00\n"+
			"Gear     10   $2.50\n"+
			"TOTAL    12   $5.50\n")
}

func TestThousandsSeparators(t *testing.T) {
	expectReport(t, "Big", []Row{{"Server", 3, 45000050}},
		"Big\n"+
			"===\n"+
			"Name    Qty         Amount\n"+
			"Server    3  $1,350,001.50\n"+
			"TOTAL     3  $1,350,001.50\n")
}

func TestEmptyReport(t *testing.T) {
	expectReport(t, "Nothing", nil,
		"Nothing\n"+
			"=======\n"+
			"Name   Qty  Amount\n"+
			"TOTAL    0   $0.00\n")
}

func TestSmallAmountsKeepLeadingZero(t *testing.T) {
	expectReport(t, "Q", []Row{{"Pin", 1, 5}, {"Nut", 1, 100000}},
		"Q\n"+
			"=\n"+
			"Name   Qty     Amount\n"+
			"Pin      1      $0.05\n"+
			"Nut      1  $1,000.00\n"+
			"TOTAL    2  $1,000.05\n")
}

func TestLongNamesWidenTheFirstColumn(t *testing.T) {
	expectReport(t, "Parts list", []Row{{"Hydraulic pump", 1000, 1}},
		"Parts list\n"+
			"==========\n"+
			"Name             Qty  Amount\n"+
			"Hydraulic pump  1000  $10.00\n"+
			"TOTAL           1000  $10.00\n")
}
