module task

go 1.19
