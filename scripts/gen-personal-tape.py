#!/usr/bin/env python3
"""Writes a personal-loan tape (CSV, UTF-8) of N rows with valid resident IDs, for the import benchmark.

Usage: scripts/gen-personal-tape.py N OUT.csv [BORROWERS]   (or OUT.xlsx, which needs `pip install openpyxl`)
BORROWERS (default N): how many distinct borrowers the N loans are spread over, in turn.
"""
import datetime
W2=[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2]
def rid(i):
    # Birth dates 1960-01-01 to 2022-11 (every thousand rows 23 days later): none after today, which
    # the ID check refuses; 37 days a step put the millionth row's birth in 2061.
    d=datetime.date(1960,1,1)+datetime.timedelta(days=i//1000*23)
    s17="330106%s%03d"%(d.strftime("%Y%m%d"), i%1000)
    t=sum(int(c)*w for c,w in zip(s17,W2)); return s17+"10X98765432"[t%11]
import sys
# The cut-off the benchmark imports with: days past due are counted to it.
CUTOFF=datetime.date(2026,6,30)
n=int(sys.argv[1]); out=sys.argv[2]; borrowers=int(sys.argv[3]) if len(sys.argv)>3 else n
HEADER=["借款合同编号","借款人姓名","身份证号码","手机号码","产品类型","本金余额","利息余额","逾期天数","逾期日","最后还款日","所属地区"]
def row(i):
    default=datetime.date(2025,1+i%12,15)
    dpd=(CUTOFF-default).days
    b=i%borrowers
    return ["GR%08d"%i,"借款人%d"%b,rid(b),"138%08d"%b,"消费贷","%d.%02d"%(5000+i%50000,i%100),"%d.00"%(i%3000),str(dpd),default.isoformat(),"2025-%02d-01"%(1+i%12),"杭州市"]
if out.endswith(".xlsx"):
    # A workbook as banks send it: amounts and counts as numbers, dates as dates.
    import openpyxl  # pip install openpyxl
    wb=openpyxl.Workbook(write_only=True)
    ws=wb.create_sheet("债权明细")
    ws.append(HEADER)
    for i in range(n):
        r=row(i)
        ws.append(r[:5]+[float(r[5]),float(r[6]),int(r[7]),datetime.date.fromisoformat(r[8]),datetime.date.fromisoformat(r[9]),r[10]])
    wb.save(out)
else:
    with open(out,"w") as f:
        f.write(",".join(HEADER)+"\n")
        for i in range(n):
            f.write(",".join(row(i))+"\n")
