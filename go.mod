module gridbot

go 1.26.8
