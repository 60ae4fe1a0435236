# Reference values for KaplanMeierMedianTest: the median and its 95% CI as print(survfit(...)) shows them
# (survival:::survmean, which takes the midpoint of a flat stretch at S = 0.5 within sqrt(.Machine$double.eps)),
# with conf.type = "log-log" as the product's curves use. Generated with R version 4.2.2 Patched (2022-11-10 r83330),
# survival 3.5-3, by
#   Rscript km-median.R > km-median-r.csv
# Each data set: "time" and "event" (1 = event, 0 = censored) as space-separated lists.
library(survival)
sets <- list(
  # S = 4/8 = 0.5 exactly from day 4 to the next event on day 7 (a censoring on day 5 in between): median 5.5.
  flat_half = list(time = c(1, 2, 3, 4, 5, 7, 9, 10), event = c(1, 1, 1, 1, 0, 1, 0, 1)),
  # Ten events on days 1..10: S(5) = 0.5 until day 6; median 5.5.
  ten_events = list(time = 1:10, event = rep(1, 10)),
  # S = 0.5 from day 6 to the end (only censorings after): print gives the first time, 6.
  half_to_the_end = list(time = c(2, 3, 5, 6, 8, 9), event = c(1, 1, 0, 1, 0, 0)),
  # Ties: two events on day 3 take S from 0.75 to 0.5 (n at risk 8 -> 6 of 8 -> 4 of 8), flat to day 9.
  tied_events = list(time = c(1, 2, 3, 3, 4, 6, 9, 12), event = c(1, 1, 1, 1, 0, 0, 1, 1)),
  # No exact half: Freireich's 6-MP arm (Freireich.java), median 23.
  freireich_6mp = list(time = c(6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35),
                       event = c(1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0))
)
cat("set,time,event,median,lower,upper\n")
for (name in names(sets)) {
  s <- sets[[name]]
  fit <- survfit(Surv(s$time, s$event) ~ 1, conf.type = "log-log")
  t <- summary(fit)$table
  f <- function(v) if (is.na(v)) "NA" else sprintf("%.17g", v)
  cat(sprintf("%s,%s,%s,%s,%s,%s\n", name, paste(s$time, collapse = " "), paste(s$event, collapse = " "),
              f(t[["median"]]), f(t[["0.95LCL"]]), f(t[["0.95UCL"]])))
}
