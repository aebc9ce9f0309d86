#!/usr/bin/env python3
"""Writes a personal-loan tape (CSV, UTF-8) of N rows with valid resident IDs, for the import benchmark.

Usage: scripts/gen-personal-tape.py N OUT.csv
"""
import datetime
W2=[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2]
def rid(i):
    d=datetime.date(1960,1,1)+datetime.timedelta(days=i//1000*37)
    s17="330106%s%03d"%(d.strftime("%Y%m%d"), i%1000)
    t=sum(int(c)*w for c,w in zip(s17,W2)); return s17+"10X98765432"[t%11]
import sys
# The cut-off the benchmark imports with: days past due are counted to it.
CUTOFF=datetime.date(2026,6,30)
n=int(sys.argv[1]); out=sys.argv[2]
with open(out,"w") as f:
    f.write("借款合同编号,借款人姓名,身份证号码,手机号码,产品类型,本金余额,利息余额,逾期天数,逾期日,最后还款日,所属地区\n")
    for i in range(n):
        default=datetime.date(2025,1+i%12,15)
        dpd=(CUTOFF-default).days
        f.write("GR%08d,借款人%d,%s,138%08d,消费贷,%d.%02d,%d.00,%d,%s,2025-%02d-01,杭州市\n"%(i,i,rid(i),i,5000+i%50000,i%100,i%3000,dpd,default.isoformat(),1+i%12))
