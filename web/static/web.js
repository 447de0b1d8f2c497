// Optional: fills in the phone's location when the villager asks for it.
// The page works without it.
(function () {
  var btn = document.getElementById("locate");
  if (!btn || !navigator.geolocation) { return; }
  btn.hidden = false;
  btn.addEventListener("click", function () {
    var out = document.getElementById("located");
    out.textContent = "正在获取位置…";
    navigator.geolocation.getCurrentPosition(function (p) {
      document.getElementById("lat").value = p.coords.latitude.toFixed(6);
      document.getElementById("lng").value = p.coords.longitude.toFixed(6);
      out.textContent = "已附上位置";
    }, function () { out.textContent = "没有取得位置（可以不附）"; }, { timeout: 10000 });
  });
})();
